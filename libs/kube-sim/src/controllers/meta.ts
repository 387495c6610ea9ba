// Small helpers every controller uses: reading loosely typed objects, owner references, hashes, names, timestamps
// and conditions, written to match what the real controllers put into objects.

import type { KubeObject, OwnerReference } from '../types/index.js';

export type Json = Record<string, unknown>;

/** Reads `obj.a.b.c` as a record (empty when absent), never throwing on odd shapes. */
export function rec(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : [];
}

export function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function spec(obj: KubeObject): Json {
  return rec(obj.spec);
}

export function status(obj: KubeObject): Json {
  return rec(obj.status);
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata.name ?? '';
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: nameOf(owner), uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The owner reference with controller: true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(obj);
  return !!ref && ref.uid === owner.metadata.uid;
}

export function isTerminating(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp;
}

/** matchLabels / matchExpressions of a LabelSelector against labels. An empty selector matches everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const sel = rec(selector);
  const have = labels ?? {};
  for (const [k, v] of Object.entries(rec(sel.matchLabels))) if (have[k] !== v) return false;
  for (const e of arr(sel.matchExpressions)) {
    const key = str(e.key) ?? '';
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const present = key in have;
    const value = have[key];
    switch (e.operator) {
      case 'In': if (!present || !values.includes(value ?? '')) return false; break;
      case 'NotIn': if (present && values.includes(value ?? '')) return false; break;
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Stable JSON (sorted keys), so equal templates hash equally whatever the key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Json;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString of a number: the alphabet of pod-template-hash and generated names (no vowels). */
export function safeEncode(n: number, length = 10): string {
  let out = '';
  let x = n >>> 0;
  for (let i = 0; i < length; i++) {
    out += SAFE[x % SAFE.length];
    x = Math.floor(x / SAFE.length) || fnv32a(out + String(i));
  }
  return out;
}

/**
 * Drops nulls and empty objects/arrays: the real hash is over a Go struct, where `creationTimestamp: null` (which
 * `kubectl rollout undo` sends) or `resources: {}` are the same as absent.
 */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) {
    const a = v.map(normalize).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      const n = normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** The pod-template-hash / controller-revision-hash of a pod template (with the collision count, like the real one). */
export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(fnv32a(stableJson(normalize(template) ?? {}) + (collisionCount ? String(collisionCount) : '')), 10);
}

export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export function conditions(obj: KubeObject): Condition[] {
  return arr(status(obj).conditions) as unknown as Condition[];
}

export function findCondition(list: Condition[], type: string): Condition | undefined {
  return list.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition semantics: no change when status and reason match; keeps lastTransitionTime when only the
 * reason changes; the condition moves to the end of the list.
 */
export function setCondition(list: Condition[], next: Condition): Condition[] {
  const cur = findCondition(list, next.type);
  if (cur && cur.status === next.status && cur.reason === next.reason) return list;
  const c = { ...next };
  if (cur && cur.status === next.status && cur.lastTransitionTime) c.lastTransitionTime = cur.lastTransitionTime;
  return [...list.filter((x) => x.type !== next.type), c];
}

/** Drops zero and undefined numbers, like Go's omitempty on int32 status fields. */
export function omitZero(o: Json, keep: string[] = []): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v === 0 && !keep.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Resolves an IntOrString like maxSurge (`25%` or 1) against a total, rounding as the deployment controller does. */
export function intOrPercent(v: unknown, total: number, roundUp: boolean, fallback: string): number {
  const raw = v === undefined || v === null ? fallback : v;
  if (typeof raw === 'number') return raw;
  const m = /^(\d+)%$/.exec(String(raw));
  if (!m) return Number.parseInt(String(raw), 10) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
