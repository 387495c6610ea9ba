// The in-memory object store of one simulated cluster: the etcd + generic registry of a kube-apiserver.
//
// Usage (controllers and handlers build on this):
//   const store = new ObjectStore({ clock });                 // built-in types, namespaces default/kube-system/...
//   store.create({ group: 'apps', kind: 'Deployment' }, obj)  // -> stored snapshot (uid, resourceVersion, generation, ...)
//   store.get({ group: 'apps', resource: 'deployments' }, 'ns', 'name')   // -> snapshot | undefined
//   store.list(ref, { namespace, labelSelector: 'app=x', fieldSelector: 'status.phase=Running', limit, continue })
//   store.update(ref, obj)        // PUT semantics; 409 Conflict if obj.metadata.resourceVersion is stale
//   store.updateStatus(ref, obj)  // only .status is taken from obj (metadata/spec changes ignored)
//   store.delete(ref, 'ns', 'name', { propagationPolicy: 'Foreground' })
//   const stop = store.watch({ group: 'apps', resource: 'replicasets' }, (e) => ...)  // ADDED/MODIFIED/DELETED
//
// Contracts:
// - Objects returned (and carried by events) are deep-frozen snapshots shared with the store: clone before changing.
// - Errors are thrown as ApiError (metav1.Status shape: NotFound 404, AlreadyExists 409, Conflict 409, Invalid 422...).
// - resourceVersion is one counter per cluster; every write bumps it; a write that changes nothing is skipped.
// - generation starts at 1 and grows only when something outside metadata and status changes (types with generation).
// - Deleting an object with finalizers only sets deletionTimestamp; it disappears once an update empties finalizers.
// - Garbage collection runs synchronously after a delete: Background deletes dependents (objects whose ownerReferences
//   name the deleted uid and no other live owner); Foreground keeps the owner (finalizer foregroundDeletion) until its
//   dependents are gone; Orphan removes the owner reference from dependents.
// - Deleting a Namespace marks it Terminating, deletes everything in it, and removes it once empty.
// - Watch callbacks run synchronously, in resourceVersion order, after the write is committed; a callback may write
//   (its events are queued and delivered after the current one to every subscriber). MODIFIED events carry
//   `previous` (the object before). `watch(filter, fn, { sinceResourceVersion })` replays retained events first and
//   throws 410 Expired when they are gone (historyLimit, default 250).
// - The store checks metadata (names, labels, namespaces) only; kind rules, defaults and field validation belong to the
//   REST path (src/handlers), so controllers may write what a kubelet or controller-manager would.
// - snapshot() / restore() move the whole state as JSON (see SimulatedCluster.saveSnapshot).

import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import { RealClock } from '../clock/index.js';
import type { ApiError } from '../errors/index.js';
import { STALE_OBJECT, alreadyExists, badRequest, conflict, fieldCause, gone, invalid, notFound, ApiError as ApiErrorClass } from '../errors/index.js';
import { BUILTIN_TYPES } from '../catalog/builtins.js';
import { matchesLabels } from '@flotilla/kube-schema';
import { parseLabelSelector } from '../selectors/index.js';
import type { KubeObject, ResourceType, TypeRef } from '../types/index.js';
import { TypeRegistry, groupVersion, parseApiVersion, typeKey } from '../types/index.js';
import { installCrdSupport, typeFromCrd } from '../crd/index.js';
import { decodeContinue, encodeContinue, fieldMatcher } from './list.js';
import { clone, deepEqual, deepFreeze, generateName, specOf, validateMeta } from './meta.js';

export type {
  StoreEvent,
  WatchEventType,
  WatchFilter,
  WatchOptions,
  WriteOptions,
  PropagationPolicy,
  DeleteOptions,
  DeleteResult,
  ListOptions,
  ListResult,
  StoreSnapshot,
  StoreOptions,
} from './types.js';
import type {
  StoreEvent,
  WatchEventType,
  WatchFilter,
  WatchOptions,
  WriteOptions,
  PropagationPolicy,
  DeleteOptions,
  DeleteResult,
  ListOptions,
  ListResult,
  StoreSnapshot,
  StoreOptions,
} from './types.js';

type Listener = { filter: WatchFilter; fn: (e: StoreEvent) => void };

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class ObjectStore {
  readonly clock: Clock;
  readonly types: TypeRegistry;
  private rv = 0;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private history?: StoreEvent[];
  private compactedRv = 0;
  private readonly historyLimit: number;
  private listeners?: Set<Listener>;
  private queue: StoreEvent[] = [];
  private dispatching = false;
  private hooks?: ((e: StoreEvent) => void)[];

  constructor(opts: StoreOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.types = new TypeRegistry(BUILTIN_TYPES);
    this.historyLimit = opts.historyLimit ?? 250;
    installCrdSupport(this);
    if (!opts.noDefaultNamespaces) {
      for (const name of DEFAULT_NAMESPACES) this.create({ group: '', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  /** The current resourceVersion of the cluster (the last write's). */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Resolves a type reference, or throws 404 NotFound the way the apiserver answers an unknown resource. */
  type(ref: TypeRef | ResourceType): ResourceType {
    if ('verbs' in ref) return ref;
    const t = this.types.resolve(ref);
    if (!t) throw new ApiErrorClass(404, 'NotFound', `the server could not find the requested resource${ref.kind ? ` (kind ${ref.kind} in group "${ref.group}")` : ''}`);
    return t;
  }

  /** Registers a hook run before watchers for every committed event (used by built-in behaviour such as CRDs). */
  onCommit(fn: (e: StoreEvent) => void): void {
    (this.hooks ??= []).push(fn);
  }

  get(ref: TypeRef | ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const t = this.type(ref);
    return this.buckets.get(typeKey(t.group, t.resource))?.get(objKey(t, namespace, name));
  }

  /** Like get, but throws 404 NotFound. */
  mustGet(ref: TypeRef | ResourceType, namespace: string | undefined, name: string): KubeObject {
    const t = this.type(ref);
    const obj = this.get(t, namespace, name);
    if (!obj) throw notFound(t, name);
    return obj;
  }

  list(ref: TypeRef | ResourceType, opts: ListOptions = {}): ListResult {
    const t = this.type(ref);
    const labels = typeof opts.labelSelector === 'string' ? parseLabelSelector(opts.labelSelector) : (opts.labelSelector ?? []);
    const fieldMatch = fieldMatcher(t, opts.fieldSelector);
    const bucket = this.buckets.get(typeKey(t.group, t.resource));
    let entries = bucket ? [...bucket.entries()] : [];
    if (t.namespaced && opts.namespace) entries = entries.filter(([, o]) => o.metadata.namespace === opts.namespace);
    entries = entries.filter(([, o]) => matchesLabels(labels, o.metadata.labels) && fieldMatch(o));
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const token = decodeContinue(opts.continue, this.compactedRv);
    const listRv = token?.rv ?? this.rv;
    const start = token?.start;
    if (start !== undefined) entries = entries.filter(([k]) => k > start);
    const result: ListResult = { items: entries.map(([, o]) => o), resourceVersion: String(listRv) };
    if (opts.limit && opts.limit > 0 && entries.length > opts.limit) {
      result.items = result.items.slice(0, opts.limit);
      const last = entries[opts.limit - 1]![0];
      result.continue = encodeContinue(listRv, last);
      result.remainingItemCount = entries.length - opts.limit;
    }
    return result;
  }

  create(ref: TypeRef | ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = this.type(ref);
    const obj = clone(input);
    obj.metadata = obj.metadata ?? {};
    const m = obj.metadata;
    if (!m.name && m.generateName) m.name = generateName(m.generateName);
    this.checkNamespace(t, obj);
    validateMeta(t, obj);
    if (this.get(t, m.namespace, m.name!)) throw alreadyExists(t, m.name!);
    if (t.namespaced) this.checkNamespaceOpen(t, m.namespace!);
    obj.kind = t.kind;
    obj.apiVersion = this.apiVersionFor(t, obj.apiVersion);
    m.uid = randomUUID();
    m.creationTimestamp = this.timestamp();
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    if (t.generation) m.generation = 1;
    else delete m.generation;
    if (t.group === '' && t.resource === 'namespaces') prepareNamespace(obj);
    if (opts.dryRun) return deepFreeze(obj);
    return this.commit(t, 'ADDED', obj);
  }

  /** PUT semantics for the main resource: status is kept from the stored object when the type has a status subresource. */
  update(ref: TypeRef | ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = this.type(ref);
    const old = this.forUpdate(t, input);
    const obj = clone(input);
    obj.kind = t.kind;
    obj.apiVersion = this.apiVersionFor(t, obj.apiVersion);
    const m = obj.metadata;
    const om = old.metadata;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    m.namespace = om.namespace;
    if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    if (t.status) {
      if (old.status === undefined) delete obj.status;
      else obj.status = clone(old.status);
    }
    if (t.generation) m.generation = (om.generation ?? 1) + (deepEqual(specOf(obj), specOf(old)) ? 0 : 1);
    else delete m.generation;
    validateMeta(t, obj);
    this.checkNewFinalizers(t, old, obj);
    return this.write(t, old, obj, opts);
  }

  /** The status subresource: takes only `.status` from input; 409 Conflict if its resourceVersion is stale. */
  updateStatus(ref: TypeRef | ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = this.type(ref);
    const old = this.forUpdate(t, input);
    const obj = clone(old);
    if (input.status === undefined) delete obj.status;
    else obj.status = clone(input.status);
    if (opts.managedFields) obj.metadata.managedFields = clone(opts.managedFields);
    return this.write(t, old, obj, opts);
  }

  delete(ref: TypeRef | ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const t = this.type(ref);
    const old = this.mustGet(t, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) throw conflict(t, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(t, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    const policy = opts.propagationPolicy ?? 'Background';
    const isNamespace = t.group === '' && t.resource === 'namespaces';
    const extra = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (extra && !finalizers.includes(extra)) finalizers.push(extra);
    if (!finalizers.length && !isNamespace) {
      if (opts.dryRun) return { object: old, deleted: true };
      return { object: this.remove(t, old), deleted: true };
    }
    const marked = clone(old);
    marked.metadata.finalizers = finalizers.length ? finalizers : undefined;
    if (!marked.metadata.finalizers) delete marked.metadata.finalizers;
    if (!marked.metadata.deletionTimestamp) {
      marked.metadata.deletionTimestamp = this.timestamp();
      marked.metadata.deletionGracePeriodSeconds = 0;
    }
    if (isNamespace) marked.status = { ...(marked.status as object | undefined), phase: 'Terminating' };
    if (opts.dryRun) return { object: deepFreeze(marked), deleted: false };
    let current = deepEqual(marked, old) ? old : this.commit(t, 'MODIFIED', marked, old);
    if (policy === 'Orphan') current = this.orphanDependents(t, current);
    if (policy === 'Foreground') this.deleteDependents(current, 'Foreground');
    if (isNamespace) this.drainNamespace(current);
    const now = this.get(t, namespace, name);
    if (!now) return { object: current, deleted: true };
    return { object: this.finishIfReady(t, now), deleted: !this.get(t, namespace, name) };
  }

  /**
   * Subscribes to committed changes matching `filter` (all fields optional; kind or resource selects the type).
   * Returns a function that unsubscribes.
   */
  watch(filter: WatchFilter, fn: (e: StoreEvent) => void, opts: WatchOptions = {}): () => void {
    const listener: Listener = { filter, fn };
    const since = opts.sinceResourceVersion ? Number(opts.sinceResourceVersion) : 0;
    if (!Number.isFinite(since)) throw badRequest(`invalid resource version: ${opts.sinceResourceVersion}`);
    if (since > 0) {
      if (since < this.compactedRv) throw gone(`too old resource version: ${since} (${this.compactedRv + 1})`);
      for (const e of this.history ?? []) if (e.resourceVersion > since && matches(filter, e)) fn(e);
    }
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }

  /** The whole state as plain JSON (objects and the resourceVersion counter), e.g. to write to a file. */
  snapshot(): StoreSnapshot {
    return { resourceVersion: this.rv, objects: [...this.objects()].map(({ type, object }) => ({ group: type.group, resource: type.resource, object })) };
  }

  /**
   * Replaces the whole state with a snapshot (no watch events; history starts empty, so older watches get 410).
   * CRDs in the snapshot are served again before their custom resources are loaded.
   */
  restore(snap: StoreSnapshot): void {
    this.buckets.clear();
    this.history = undefined;
    this.compactedRv = snap.resourceVersion;
    this.rv = snap.resourceVersion;
    const crds = snap.objects.filter((o) => o.group === 'apiextensions.k8s.io' && o.resource === 'customresourcedefinitions');
    for (const c of crds) {
      const t = typeFromCrd(c.object);
      if (t) this.types.add(t);
    }
    for (const { group, resource, object } of snap.objects) {
      const t = this.types.get(group, resource);
      if (!t) throw badRequest(`snapshot holds ${resource}.${group}, which this cluster does not serve`);
      const key = typeKey(group, resource);
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = new Map()));
      bucket.set(objKey(t, object.metadata.namespace, object.metadata.name!), deepFreeze(clone(object)));
    }
  }

  /** Every stored object, for snapshots. */
  *objects(): Iterable<{ type: ResourceType; object: KubeObject }> {
    for (const [key, bucket] of this.buckets) {
      const slash = key.indexOf('/');
      const type = this.types.get(key.slice(0, slash), key.slice(slash + 1));
      if (type) for (const object of bucket.values()) yield { type, object };
    }
  }

  // --- internals -------------------------------------------------------------------------------------------------

  private timestamp(): string {
    return this.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private apiVersionFor(t: ResourceType, apiVersion: string | undefined): string {
    const v = apiVersion ? parseApiVersion(apiVersion).version : '';
    return groupVersion(t.group, t.versions.includes(v) ? v : t.versions[0]!);
  }

  private checkNamespace(t: ResourceType, obj: KubeObject): void {
    const m = obj.metadata;
    if (t.namespaced && !m.namespace) {
      throw invalid(t.kind, t.group, m.name ?? '', [fieldCause('FieldValueRequired', 'metadata.namespace', '')]);
    }
    if (!t.namespaced) delete m.namespace;
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
  private checkNamespaceOpen(t: ResourceType, namespace: string): void {
    const ns = this.get({ group: '', resource: 'namespaces' }, undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiErrorClass(403, 'Forbidden', `${t.resource}${t.group ? '.' + t.group : ''} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        kind: t.resource,
        ...(t.group ? { group: t.group } : {}),
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  private checkNewFinalizers(t: ResourceType, old: KubeObject, obj: KubeObject): void {
    if (!old.metadata.deletionTimestamp) return;
    const before = new Set(old.metadata.finalizers ?? []);
    const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length) {
      throw invalid(t.kind, t.group, old.metadata.name ?? '', [fieldCause('FieldValueForbidden', 'metadata.finalizers', 'no new finalizers can be added if the object is being deleted, found new finalizers ' + JSON.stringify(added))]);
    }
  }

  private forUpdate(t: ResourceType, input: KubeObject): KubeObject {
    const name = input.metadata?.name;
    if (!name) throw invalid(t.kind, t.group, '', [fieldCause('FieldValueRequired', 'metadata.name', 'name or generateName is required')]);
    const old = this.mustGet(t, t.namespaced ? input.metadata.namespace : undefined, name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(t, name, STALE_OBJECT);
    return old;
  }

  private write(t: ResourceType, old: KubeObject, obj: KubeObject, opts: WriteOptions): KubeObject {
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(obj, old)) return old;
    if (opts.dryRun) return deepFreeze(obj);
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).length && !isNamespaceType(t)) return this.remove(t, obj);
    const stored = this.commit(t, 'MODIFIED', obj, old);
    return this.finishIfReady(t, stored);
  }

  private commit(t: ResourceType, type: WatchEventType, obj: KubeObject, old?: KubeObject): KubeObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    deepFreeze(obj);
    const key = typeKey(t.group, t.resource);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    const k = objKey(t, obj.metadata.namespace, obj.metadata.name!);
    if (type === 'DELETED') bucket.delete(k);
    else bucket.set(k, obj);
    if (bucket.size === 0) this.buckets.delete(key);
    const event: StoreEvent = { type, object: obj, resourceType: t, resourceVersion: rv };
    if (old && type === 'MODIFIED') event.previous = old;
    this.emit(event);
    return obj;
  }

  private remove(t: ResourceType, obj: KubeObject): KubeObject {
    const gone = this.commit(t, 'DELETED', clone(obj));
    this.afterRemoval(t, gone);
    return gone;
  }

  private emit(e: StoreEvent): void {
    const history = (this.history ??= []);
    history.push(e);
    if (history.length > this.historyLimit) this.compactedRv = history.shift()!.resourceVersion;
    this.queue.push(e);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        for (const h of this.hooks ?? []) h(next);
        for (const l of [...(this.listeners ?? [])]) {
          if (!matches(l.filter, next)) continue;
          try {
            l.fn(next);
          } catch (_err) {
            // One broken subscriber must not stop the others or the write that triggered it.
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  // --- garbage collection, finalizers, namespaces ---------------------------------------------------------------

  private dependentsOf(uid: string): { type: ResourceType; object: KubeObject }[] {
    const out: { type: ResourceType; object: KubeObject }[] = [];
    for (const entry of this.objects()) {
      if (entry.object.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push(entry);
    }
    return out;
  }

  private ownerExists(ref: { apiVersion: string; kind: string; name: string; uid: string }, namespace: string | undefined): boolean {
    const t = this.types.byKind(parseApiVersion(ref.apiVersion).group, ref.kind);
    if (!t) return false;
    const o = this.get(t, t.namespaced ? namespace : undefined, ref.name);
    return !!o && o.metadata.uid === ref.uid;
  }

  private afterRemoval(t: ResourceType, removed: KubeObject): void {
    this.collectDependents(removed);
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const ot = this.types.byKind(parseApiVersion(ref.apiVersion).group, ref.kind);
      const owner = ot && this.get(ot, ot.namespaced ? removed.metadata.namespace : undefined, ref.name);
      if (ot && owner && owner.metadata.uid === ref.uid) this.finishIfReady(ot, owner);
    }
    const ns = t.namespaced ? this.get({ group: '', resource: 'namespaces' }, undefined, removed.metadata.namespace!) : undefined;
    if (ns?.metadata.deletionTimestamp) this.finishIfReady(this.type({ group: '', resource: 'namespaces' }), ns);
  }

  /** Background GC: a dependent goes when none of its owners is left; otherwise the dangling reference is dropped. */
  private collectDependents(owner: KubeObject): void {
    for (const { type, object } of this.dependentsOf(owner.metadata.uid!)) {
      const current = this.get(type, object.metadata.namespace, object.metadata.name!);
      if (!current) continue;
      const others = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid && this.ownerExists(r, current.metadata.namespace));
      if (others.length) {
        const next = clone(current);
        next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
        this.commit(type, 'MODIFIED', next, current);
      } else if (!current.metadata.deletionTimestamp) {
        this.delete(type, current.metadata.namespace, current.metadata.name!, { propagationPolicy: 'Background' });
      }
    }
  }

  private deleteDependents(owner: KubeObject, policy: PropagationPolicy): void {
    for (const { type, object } of this.dependentsOf(owner.metadata.uid!)) {
      if (!object.metadata.deletionTimestamp) this.delete(type, object.metadata.namespace, object.metadata.name!, { propagationPolicy: policy });
    }
  }

  private orphanDependents(t: ResourceType, owner: KubeObject): KubeObject {
    for (const { type, object } of this.dependentsOf(owner.metadata.uid!)) {
      const next = clone(object);
      next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
      if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
      this.commit(type, 'MODIFIED', next, object);
    }
    return this.dropFinalizer(t, owner, 'orphan');
  }

  private drainNamespace(ns: KubeObject): void {
    const name = ns.metadata.name!;
    for (const { type, object } of [...this.objects()]) {
      if (type.namespaced && object.metadata.namespace === name && !object.metadata.deletionTimestamp) {
        if (this.get(type, name, object.metadata.name!)) this.delete(type, name, object.metadata.name!);
      }
    }
  }

  /** Completes a pending deletion once its system finalizers' conditions hold (dependents gone, namespace empty). */
  private finishIfReady(t: ResourceType, obj: KubeObject): KubeObject {
    if (!obj.metadata.deletionTimestamp) return obj;
    let current = obj;
    if (current.metadata.finalizers?.includes('foregroundDeletion') && !this.dependentsOf(current.metadata.uid!).length) {
      current = this.dropFinalizer(t, current, 'foregroundDeletion');
    }
    if (!this.get(t, current.metadata.namespace, current.metadata.name!)) return current;
    if (isNamespaceType(t)) {
      const name = current.metadata.name!;
      const empty = ![...this.objects()].some(({ type, object }) => type.namespaced && object.metadata.namespace === name);
      if (empty && !(current.metadata.finalizers ?? []).length) return this.remove(t, current);
    }
    return current;
  }

  private dropFinalizer(t: ResourceType, obj: KubeObject, finalizer: string): KubeObject {
    if (!obj.metadata.finalizers?.includes(finalizer)) return obj;
    const next = clone(obj);
    next.metadata.finalizers = next.metadata.finalizers!.filter((f) => f !== finalizer);
    if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    if (!next.metadata.finalizers && !isNamespaceType(t)) return this.remove(t, next);
    return this.commit(t, 'MODIFIED', next, obj);
  }
}

function isNamespaceType(t: ResourceType): boolean {
  return t.group === '' && t.resource === 'namespaces';
}

/** Namespaces get spec.finalizers [kubernetes] and status.phase Active, like the real registry. */
function prepareNamespace(obj: KubeObject): void {
  obj.spec = { finalizers: ['kubernetes'], ...(obj.spec as object | undefined) };
  obj.status = { phase: 'Active' };
  obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
}

function objKey(t: ResourceType, namespace: string | undefined, name: string): string {
  return t.namespaced ? `${namespace ?? ''}/${name}` : name;
}

function matches(f: WatchFilter, e: StoreEvent): boolean {
  const t = e.resourceType;
  const m = e.object.metadata;
  return (
    (f.group === undefined || f.group === t.group) &&
    (f.resource === undefined || f.resource === t.resource) &&
    (f.kind === undefined || f.kind === t.kind) &&
    (f.namespace === undefined || f.namespace === m.namespace) &&
    (f.name === undefined || f.name === m.name)
  );
}

export type { ApiError };
