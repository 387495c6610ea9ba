// Change notifications per cluster: gateways subscribe; fleet and rollout publish after their transaction commits. With
// several replicas each publish is also relayed to the others (coordination/: PostgreSQL LISTEN/NOTIFY), which deliver it.

export type ClusterChange = 'desired-state' | 'revoked';
export type ClusterListener = (change: ClusterChange) => void;

export class ClusterNotifier {
  private readonly listeners = new Map<string, Set<ClusterListener>>();

  subscribe(clusterId: string, listener: ClusterListener): () => void {
    let set = this.listeners.get(clusterId);
    if (!set) this.listeners.set(clusterId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(clusterId) === set) this.listeners.delete(clusterId);
    };
  }

  private relay: ((clusterIds: string[], change: ClusterChange) => void) | undefined;

  /** Where publishes go besides this process's listeners (the other replicas). */
  setRelay(relay: (clusterIds: string[], change: ClusterChange) => void): void {
    this.relay = relay;
  }

  publish(clusterIds: Iterable<string>, change: ClusterChange): void {
    const ids = [...clusterIds];
    this.deliver(ids, change);
    if (ids.length > 0) this.relay?.(ids, change);
  }

  /** Tells this process's listeners only (a change another replica made). */
  deliver(clusterIds: Iterable<string>, change: ClusterChange): void {
    for (const id of clusterIds) {
      for (const listener of [...(this.listeners.get(id) ?? [])]) {
        // One broken listener must not stop the others from hearing about the change.
        try {
          listener(change);
        } catch {
          /* the listener's own stream reports its failure */
        }
      }
    }
  }

  subscriberCount(clusterId: string): number {
    return this.listeners.get(clusterId)?.size ?? 0;
  }
}
