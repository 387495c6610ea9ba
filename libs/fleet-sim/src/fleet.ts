// A simulated fleet: N agents in one process, registered with bounded concurrency, then connected, with helpers to
// await a condition over all of them (every agent holding generation G, every agent back after a hub restart).
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { systemClock } from '@flotilla/clock';
import type { Clock } from '@flotilla/clock';
import { SimulatedAgent } from './agent.js';
import type { ReconnectPolicy } from './agent.js';
import type { Behaviour } from './report.js';

export interface ClusterSpec {
  name: string;
  labels: Record<string, string>;
  behaviour?: Behaviour;
}

export interface FleetOptions {
  /** host:port of the hub's gRPC port. */
  hubAddress: string;
  bootstrapToken: string;
  clusters: ClusterSpec[];
  /** PEM of the hub's CA for TLS; absent: plaintext (loopback only). */
  hubCa?: string;
  clock?: Clock;
  heartbeatMs?: number;
  healthyAfterMs?: number;
  reconnect?: ReconnectPolicy;
  /** Registrations in flight at once; default 32. */
  concurrency?: number;
  agentVersion?: string;
}

/** `count` cluster specs named `<prefix>-<i>` (from 1), with `labels` and each key of `spread` cycled over its values. */
export function clusterSpecs(count: number, opts: { prefix?: string; labels?: Record<string, string>; spread?: Record<string, string[]> } = {}): ClusterSpec[] {
  const prefix = opts.prefix ?? 'sim';
  return Array.from({ length: count }, (_, i) => {
    const labels = { ...opts.labels };
    for (const [key, values] of Object.entries(opts.spread ?? {})) if (values.length > 0) labels[key] = values[i % values.length] as string;
    return { name: `${prefix}-${i + 1}`, labels };
  });
}

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/**
 * Events: 'snapshot' (agent, SnapshotEvent) for every snapshot any agent receives; 'refused' (agent, message).
 */
export class SimulatedFleet extends EventEmitter {
  readonly agents: SimulatedAgent[];
  private readonly byName = new Map<string, SimulatedAgent>();
  private readonly concurrency: number;

  constructor(options: FleetOptions) {
    super();
    this.setMaxListeners(0);
    const channelCredentials = options.hubCa ? grpc.credentials.createSsl(Buffer.from(options.hubCa)) : grpc.credentials.createInsecure();
    this.concurrency = options.concurrency ?? 32;
    this.agents = options.clusters.map((spec) => {
      const agent = new SimulatedAgent({
        hubAddress: options.hubAddress,
        channelCredentials,
        name: spec.name,
        labels: spec.labels,
        bootstrapToken: options.bootstrapToken,
        clock: options.clock ?? systemClock,
        ...(spec.behaviour ? { behaviour: spec.behaviour } : {}),
        ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
        ...(options.healthyAfterMs !== undefined ? { healthyAfterMs: options.healthyAfterMs } : {}),
        ...(options.reconnect ? { reconnect: options.reconnect } : {}),
        ...(options.agentVersion ? { agentVersion: options.agentVersion } : {}),
      });
      agent.on('snapshot', (event) => this.emit('snapshot', agent, event));
      agent.on('refused', (message) => this.emit('refused', agent, message));
      this.byName.set(spec.name, agent);
      return agent;
    });
  }

  agent(name: string): SimulatedAgent {
    const agent = this.byName.get(name);
    if (!agent) throw new Error(`no simulated cluster named "${name}" in this fleet`);
    return agent;
  }

  /** Registers every agent (bounded concurrency); the first failure rejects, naming the cluster. */
  async register(): Promise<void> {
    await inPool(this.agents, this.concurrency, async (agent) => {
      await agent.register();
    });
  }

  /** Opens every agent's stream and resolves once each has received its first snapshot. */
  async connect(opts: { timeoutMs?: number } = {}): Promise<void> {
    const waiting = this.until((a) => a.sessions > 0, 'every agent received its first snapshot', opts.timeoutMs);
    for (const agent of this.agents) agent.connect();
    await waiting;
  }

  /** register() then connect(). */
  async start(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.register();
    await this.connect(opts);
  }

  /**
   * Resolves when `holds` is true of every agent (checked now and on each snapshot and disconnect); rejects after
   * timeoutMs naming how many still fall short and the first of them.
   */
  until(holds: (agent: SimulatedAgent) => boolean, description: string, timeoutMs = 120_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const pending = new Set(this.agents.filter((a) => !holds(a)));
      if (pending.size === 0) return resolve();
      const check = (agent: SimulatedAgent) => {
        if (!pending.has(agent) || !holds(agent)) return;
        pending.delete(agent);
        if (pending.size === 0) done();
      };
      const listeners = this.agents.map((agent) => {
        const listener = () => check(agent);
        agent.on('snapshot', listener);
        return () => agent.off('snapshot', listener);
      });
      const timer = setTimeout(() => {
        for (const off of listeners) off();
        const [first] = pending;
        reject(new Error(`timed out after ${timeoutMs} ms waiting until ${description}: ${pending.size} of ${this.agents.length} not there yet (first: ${first?.name})`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        for (const off of listeners) off();
        resolve();
      };
    });
  }

  /** Resolves when every agent holds a snapshot of at least `generation` for each of the given agents' clusters. */
  holding(generationOf: (agent: SimulatedAgent) => bigint, timeoutMs?: number): Promise<void> {
    return this.until((a) => (a.snapshot?.generation ?? 0n) >= generationOf(a), 'every agent holds its new desired state', timeoutMs);
  }

  stop(): void {
    for (const agent of this.agents) agent.stop();
  }
}
