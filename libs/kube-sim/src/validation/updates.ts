// Update-only rules of pkg/apis/{core,apps,batch}/validation: immutable ConfigMaps and Secrets, the StatefulSet spec
// fields that may change, a Job's pod template, and a Pod's spec (images and a few scheduling fields only).

import type { StatusCause } from '../errors/index.js';
import { fieldCause } from '../errors/index.js';
import { deepEqual } from '../store/meta.js';
import type { KubeObject } from '../types/index.js';

type Obj = Record<string, unknown>;

const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
}

/** Go's DeepEqual of two decoded maps, where an absent and an empty map both mean "no data". */
function sameMap(a: unknown, b: unknown): boolean {
  return (isEmpty(a) && isEmpty(b)) || deepEqual(a, b);
}

/** ValidateConfigMapUpdate / ValidateSecretUpdate: nothing in an immutable object's payload may change. */
function immutablePayload(obj: KubeObject, old: KubeObject, secret: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  if (secret && old.type !== undefined && obj.type !== old.type) causes.push(fieldCause('FieldValueInvalid', 'type', 'field is immutable', obj.type));
  if (old.immutable !== true) return causes;
  if (obj.immutable !== true) causes.push(fieldCause('FieldValueForbidden', 'immutable', IMMUTABLE_SET));
  if (!sameMap(obj.data, old.data)) causes.push(fieldCause('FieldValueForbidden', 'data', IMMUTABLE_SET));
  if (!secret && !sameMap(obj.binaryData, old.binaryData)) causes.push(fieldCause('FieldValueForbidden', 'binaryData', IMMUTABLE_SET));
  return causes;
}

const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const STATEFULSET_FORBIDDEN = `updates to statefulset spec for fields other than ${STATEFULSET_MUTABLE.slice(0, -1)
  .map((f) => `'${f}'`)
  .join(', ')} and '${STATEFULSET_MUTABLE[STATEFULSET_MUTABLE.length - 1]!}' are forbidden`;

function without(spec: unknown, fields: string[]): Obj {
  const out: Obj = { ...((spec as Obj | undefined) ?? {}) };
  for (const f of fields) delete out[f];
  return out;
}

function statefulSetSpec(obj: KubeObject, old: KubeObject): StatusCause[] {
  if (deepEqual(without(obj.spec, STATEFULSET_MUTABLE), without(old.spec, STATEFULSET_MUTABLE))) return [];
  return [fieldCause('FieldValueForbidden', 'spec', STATEFULSET_FORBIDDEN)];
}

/** A Go-like rendering of the template for `Invalid value:`; the apiserver prints the whole internal struct. */
function goTemplate(template: unknown): string {
  const t = (template as Obj | undefined) ?? {};
  const labels = Object.entries(((t.metadata as Obj | undefined)?.labels as Record<string, string> | undefined) ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(', ');
  return `core.PodTemplateSpec{ObjectMeta:v1.ObjectMeta{Labels:map[string]string{${labels}}}, Spec:core.PodSpec{...}}`;
}

function jobSpec(obj: KubeObject, old: KubeObject): StatusCause[] {
  const spec = (obj.spec as Obj | undefined) ?? {};
  const was = (old.spec as Obj | undefined) ?? {};
  const causes: StatusCause[] = [];
  for (const f of ['completions', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!deepEqual(spec[f], was[f])) causes.push(fieldCause('FieldValueInvalid', `spec.${f}`, 'field is immutable', spec[f]));
  }
  if (!deepEqual(spec.template, was.template)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goTemplate(spec.template)}: field is immutable`, field: 'spec.template' });
  }
  return causes;
}

const POD_UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** ValidatePodUpdate's munging: the updatable fields of `spec` taken from the old spec before comparing. */
function mungedPodSpec(spec: Obj, old: Obj): Obj {
  const out: Obj = { ...spec };
  for (const list of ['containers', 'initContainers']) {
    const now = spec[list];
    const was = old[list];
    if (Array.isArray(now) && Array.isArray(was) && now.length === was.length) {
      out[list] = now.map((c: Obj, i) => ({ ...c, image: (was[i] as Obj | undefined)?.image }));
    }
  }
  out.activeDeadlineSeconds = old.activeDeadlineSeconds;
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const oldTolerations = Array.isArray(old.tolerations) ? old.tolerations : [];
  if (oldTolerations.every((t) => tolerations.some((n) => deepEqual(n, t)))) out.tolerations = old.tolerations;
  const grace = spec.terminationGracePeriodSeconds;
  if (grace === 1 && typeof old.terminationGracePeriodSeconds === 'number' && old.terminationGracePeriodSeconds < 0) out.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  // The scheduler binds through pods/binding; a spec that already names the node keeps it.
  if (old.nodeName !== undefined && spec.nodeName === undefined) out.nodeName = old.nodeName;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

function podSpec(obj: KubeObject, old: KubeObject): StatusCause[] {
  const spec = (obj.spec as Obj | undefined) ?? {};
  const was = (old.spec as Obj | undefined) ?? {};
  if (deepEqual(mungedPodSpec(spec, was), was)) return [];
  // The apiserver appends a cmp.Diff of the two internal PodSpecs, which has no JSON equivalent; the sentence is exact.
  return [fieldCause('FieldValueForbidden', 'spec', `pod updates may not change fields other than ${POD_UPDATABLE.join(',')}`)];
}

/** Problems of updating `old` to `obj` for kinds with update-only rules (`id` is `group/Kind`). */
export function updateProblems(id: string, obj: KubeObject, old: KubeObject): StatusCause[] {
  switch (id) {
    case '/ConfigMap':
      return immutablePayload(obj, old, false);
    case '/Secret':
      return immutablePayload(obj, old, true);
    case 'apps/StatefulSet':
      return statefulSetSpec(obj, old);
    case 'batch/Job':
      return jobSpec(obj, old);
    case '/Pod':
      return podSpec(obj, old);
    default:
      return [];
  }
}
