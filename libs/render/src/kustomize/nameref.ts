// Reference fixing (kustomize's nameReference): every field that names another object follows that object's renames
// (prefix, suffix, hash suffix), matched through each object's name history.
import { RenderError } from '../errors.js';
import { isObject } from '../objects.js';
import { gvkOf } from '../order.js';
import type { Resource } from '../resource.js';
import { nsOf } from '../resource.js';
import type { JsonObject, JsonValue } from '../types.js';
import { applySpecs } from './fieldspec.js';
import { NAME_REFERENCES, isClusterScoped } from './tables.js';
import type { NameReference } from './tables.js';

function isTarget(r: Resource, ref: NameReference): boolean {
  const g = gvkOf(r.obj);
  if (g.kind !== ref.kind) return false;
  if (ref.group !== undefined && ref.group !== g.group) return false;
  if (ref.version !== undefined && ref.version !== g.version) return false;
  return true;
}

const effective = (ns: string): string => (ns === '' ? 'default' : ns);

function pick(referrer: Resource, candidates: Resource[], oldName: string, namespace: string | undefined): Resource | undefined {
  let found = candidates.filter((c) => c.names.includes(oldName));
  if (found.length === 0) return undefined;
  const targetNamespaced = found[0] !== undefined && !isClusterScoped(found[0].obj);
  if (targetNamespaced) {
    if (namespace !== undefined) {
      found = found.filter((c) => c.namespaces.some((n) => effective(n) === effective(namespace)));
    } else if (!isClusterScoped(referrer.obj)) {
      const ns = nsOf(referrer.obj);
      found = found.filter((c) => nsOf(c.obj) === ns || c.namespaces.includes(ns));
    }
  }
  if (found.length <= 1) return found[0];
  const same = found.filter((c) => c.prefixes.join() === referrer.prefixes.join() && c.suffixes.join() === referrer.suffixes.join());
  if (same.length === 1) return same[0];
  const names = new Set(found.map((c) => c.obj.metadata.name));
  if (names.size === 1) return found[0];
  throw new RenderError('FailedPrecondition', `found multiple possible referrals for ${found[0]?.obj.kind} "${oldName}" referenced by ${referrer.obj.kind} ${referrer.obj.metadata.name}`, {
    file: referrer.origin.file,
    line: referrer.origin.line,
  });
}

function fixValue(referrer: Resource, targets: Resource[], parent: JsonObject, key: string): void {
  const v: JsonValue | undefined = parent[key];
  if (typeof v === 'string') {
    const t = pick(referrer, targets, v, undefined);
    if (t !== undefined) parent[key] = t.obj.metadata.name;
  } else if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (typeof item === 'string') {
        const t = pick(referrer, targets, item, undefined);
        if (t !== undefined) v[i] = t.obj.metadata.name;
      } else if (isObject(item)) {
        fixObjectRef(referrer, targets, item);
      }
    });
  } else if (isObject(v)) {
    fixObjectRef(referrer, targets, v);
  }
}

/** A reference written as {name, namespace} (webhook services) or an RBAC subject {kind, name, namespace}. */
function fixObjectRef(referrer: Resource, targets: Resource[], o: JsonObject): void {
  if (typeof o.name !== 'string') return;
  if (typeof o.kind === 'string' && o.kind !== targets[0]?.obj.kind) return;
  const ns = typeof o.namespace === 'string' ? o.namespace : undefined;
  const t = pick(referrer, targets, o.name, ns);
  if (t === undefined) return;
  o.name = t.obj.metadata.name;
  const targetNs = nsOf(t.obj);
  if (targetNs !== '' && !isClusterScoped(t.obj)) o.namespace = targetNs;
}

/** `custom`: name references from `configurations`, after the builtin ones. */
export function fixNameReferences(resources: Resource[], custom: readonly NameReference[] = []): void {
  for (const ref of [...NAME_REFERENCES, ...custom]) {
    const targets = resources.filter((r) => isTarget(r, ref));
    if (targets.length === 0) continue;
    if (!targets.some((t) => t.names.length > 1 || t.namespaces.length > 1)) continue;
    for (const referrer of resources) {
      applySpecs(referrer.obj, ref.referrers, (parent, key) => fixValue(referrer, targets, parent, key));
    }
  }
}
