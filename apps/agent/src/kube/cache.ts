// A local cache of what the agent applied, kept by list+watch per (kind, namespace) as client-go's informers do: health
// and drift are read from it with no API call, and every change is pushed to listeners as it happens.
import type { Clock, Timer } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { KubeClient, KubeObject, ObjectRef } from './client.js';
import { KubeError } from './client.js';
import { refKey } from './objects.js';

/** One list+watch: a kind in one namespace, or a cluster-scoped kind (namespace undefined). */
export interface WatchScope {
  apiVersion: string;
  kind: string;
  namespace?: string | undefined;
}

export interface CacheChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  object: KubeObject;
}

export type Lookup = { ok: true; object: KubeObject | undefined } | { ok: false; error: string };

export const scopeKey = (s: WatchScope) => `${s.apiVersion}|${s.kind}|${s.namespace ?? ''}`;
export const scopeOf = (ref: ObjectRef): WatchScope => ({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace });

interface WatchEvent {
  type: string;
  object: KubeObject & { code?: number; message?: string };
}

const isWatchEvent = (v: unknown): v is WatchEvent => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' && typeof (v as { object?: unknown }).object === 'object';

/**
 * True when `event` is older than what the cache holds (an apply's answer remembered before its own watch event, with
 * an earlier event still on the way). resourceVersions are compared only when both are integers, as etcd's are.
 */
function olderThan(event: KubeObject, cached: KubeObject | undefined): boolean {
  const a = event.metadata['resourceVersion'];
  const b = cached?.metadata['resourceVersion'];
  if (typeof a !== 'string' || typeof b !== 'string' || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

class Informer {
  readonly objects = new Map<string, KubeObject>();
  /** Undefined once listed; the reason while the kind cannot be listed. */
  error: string | undefined = 'not listed yet';
  readonly synced: Promise<void>;
  private resolveSynced!: () => void;
  private stopped = false;
  private abort: (() => void) | undefined;
  private timer: Timer | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly scope: WatchScope,
    private readonly clock: Clock,
    private readonly emit: (change: CacheChange) => void,
  ) {
    this.synced = new Promise((resolve) => (this.resolveSynced = resolve));
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.();
    this.timer?.cancel();
    this.wake?.();
    this.resolveSynced();
  }

  /** Where the next watch resumes; undefined: list first. */
  private resourceVersion: string | undefined;

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const path = await this.client.path({ ...this.scope, name: '' }, false);
        if (this.resourceVersion === undefined) this.resourceVersion = await this.list(path);
        const events = await this.watch(path, this.resourceVersion);
        // A server that ends watches at once (a proxy dropping them) must not make this loop spin.
        failures = events > 0 ? 0 : failures + 1;
        if (failures > 0) await this.pause(Math.min(30_000, 50 * 2 ** Math.min(failures, 10)));
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof KubeError && error.status === 410) {
          // Too old to resume: list again (what changed meanwhile is emitted as changes).
          this.resourceVersion = undefined;
          continue;
        }
        if (this.error !== undefined) {
          this.error = `cannot watch ${this.scope.kind}${this.scope.namespace ? ` in ${this.scope.namespace}` : ''}: ${errorMessage(error)}`;
          this.resourceVersion = undefined;
        }
        this.resolveSynced();
        failures += 1;
        // A dropped connection resumes from the last resourceVersion seen, after a short, growing pause.
        await this.pause(Math.min(30_000, 50 * 2 ** Math.min(failures, 10)));
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = this.clock.setTimer(ms, resolve);
    });
  }

  private withKind(object: KubeObject): KubeObject {
    return { ...object, apiVersion: this.scope.apiVersion, kind: this.scope.kind };
  }

  /** Lists the scope and replaces the cache with what it holds, emitting what changed; returns the list's resourceVersion. */
  private async list(path: string): Promise<string> {
    const list = (await this.client.request('GET', path)) as { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
    const seen = new Set<string>();
    for (const raw of list.items ?? []) {
      const object = this.withKind(raw);
      const key = refKey({ ...this.scope, namespace: object.metadata.namespace, name: object.metadata.name });
      seen.add(key);
      const before = this.objects.get(key);
      this.objects.set(key, object);
      if (before === undefined) this.emit({ type: 'ADDED', key, object });
      else if (before.metadata['resourceVersion'] !== object.metadata['resourceVersion']) this.emit({ type: 'MODIFIED', key, object });
    }
    for (const [key, object] of [...this.objects]) {
      if (seen.has(key)) continue;
      this.objects.delete(key);
      this.emit({ type: 'DELETED', key, object });
    }
    this.error = undefined;
    this.resolveSynced();
    return list.metadata?.resourceVersion ?? '';
  }

  /** Follows the watch until the server ends it (resourceVersion follows every event); returns how many events came. */
  private async watch(path: string, from: string): Promise<number> {
    let events = 0;
    let expired: KubeError | undefined;
    const stream = this.client.stream(path, { watch: '1', resourceVersion: from, allowWatchBookmarks: 'true', timeoutSeconds: String(240 + Math.floor(Math.random() * 120)) }, (value) => {
      if (!isWatchEvent(value)) return;
      const { type, object } = value;
      if (type === 'ERROR') {
        expired = new KubeError(object.code ?? 500, 'Expired', object.message ?? 'watch error');
        stream.abort();
        return;
      }
      events += 1;
      const rv = object.metadata?.['resourceVersion'];
      if (typeof rv === 'string') this.resourceVersion = rv;
      if (type === 'BOOKMARK') return;
      const live = this.withKind(object);
      const key = refKey({ ...this.scope, namespace: live.metadata.namespace, name: live.metadata.name });
      if (type !== 'DELETED' && olderThan(live, this.objects.get(key))) return;
      if (type === 'DELETED') this.objects.delete(key);
      else this.objects.set(key, live);
      this.emit({ type: type === 'DELETED' ? 'DELETED' : type === 'ADDED' ? 'ADDED' : 'MODIFIED', key, object: live });
    });
    this.abort = stream.abort;
    await stream.done;
    if (expired) throw expired;
    return events;
  }
}

export class WatchCache {
  private readonly informers = new Map<string, Informer>();
  private readonly listeners = new Set<(change: CacheChange) => void>();

  constructor(
    private readonly client: KubeClient,
    private readonly clock: Clock,
  ) {}

  /** Starts the watches not running yet and resolves once each has listed (or failed to: see lookup). */
  async ensure(scopes: readonly WatchScope[]): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const scope of scopes) {
      const key = scopeKey(scope);
      let informer = this.informers.get(key);
      if (!informer) this.informers.set(key, (informer = new Informer(this.client, scope, this.clock, (change) => this.emit(change))));
      waits.push(informer.synced);
    }
    await Promise.all(waits);
  }

  /** Stops the watches outside `scopes`. */
  retain(scopes: readonly WatchScope[]): void {
    const wanted = new Set(scopes.map(scopeKey));
    for (const [key, informer] of this.informers) {
      if (wanted.has(key)) continue;
      informer.stop();
      this.informers.delete(key);
    }
  }

  /** The cached object, or why the cache cannot tell (the scope is not watched, or cannot be listed). */
  lookup(ref: ObjectRef): Lookup {
    const informer = this.informers.get(scopeKey(scopeOf(ref)));
    if (!informer) return { ok: false, error: 'not watched' };
    if (informer.error !== undefined) return { ok: false, error: informer.error };
    return { ok: true, object: informer.objects.get(refKey(ref)) };
  }

  /**
   * Puts what an apply answered into the cache at once (client-go's mutation cache), so a judgement right after an
   * apply does not see the object missing while its watch event is on the way. The watch overwrites it later.
   */
  remember(object: KubeObject): void {
    const informer = this.informers.get(scopeKey(scopeOf({ apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name })));
    if (informer === undefined || informer.error !== undefined) return;
    informer.objects.set(refKey({ apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name }), object);
  }

  /** The cached objects of a scope; empty when it is not watched or cannot be listed. */
  list(scope: WatchScope): KubeObject[] {
    const informer = this.informers.get(scopeKey(scope));
    return informer?.error === undefined ? [...(informer?.objects.values() ?? [])] : [];
  }

  on(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get watching(): number {
    return this.informers.size;
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
    this.informers.clear();
  }

  private emit(change: CacheChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
