// Kind-specific validation of the workload kinds the fleet applies, with the apiserver's field errors (422 Invalid):
// selectors that must match template labels, required containers and images, immutable selectors.

import type { StatusCause } from '../errors/index.js';
import { fieldCause, invalid } from '../errors/index.js';
import { fromLabelSelectorSpec, matchesLabels } from '@flotilla/kube-schema';
import type { LabelSelectorSpec } from '@flotilla/kube-schema';
import { deepEqual } from '../store/meta.js';
import { validateCrd } from './custom.js';
import { updateProblems } from './updates.js';
import type { KubeObject, ResourceType } from '../types/index.js';

type Obj = Record<string, unknown>;

function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Obj)[p] : undefined;
  return cur;
}

/** Go's %#v of a map[string]string, as the apiserver prints template labels. */
function goMap(m: unknown): string {
  const entries = Object.entries((m as Record<string, string> | undefined) ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
}

function goSelector(sel: unknown): string {
  const s = (sel ?? {}) as LabelSelectorSpec;
  const labels = s.matchLabels ? goMap(s.matchLabels) : 'map[string]string(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

function podSpecProblems(spec: unknown, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = at(spec, 'containers');
  if (!Array.isArray(containers) || containers.length === 0) return [fieldCause('FieldValueRequired', `${path}.containers`, '')];
  const names = new Set<string>();
  containers.forEach((c: Obj, i) => {
    const p = `${path}.containers[${i}]`;
    if (!c || typeof c !== 'object') return;
    if (!c.name) causes.push(fieldCause('FieldValueRequired', `${p}.name`, ''));
    else if (names.has(String(c.name))) causes.push(fieldCause('FieldValueDuplicate', `${p}.name`, '', c.name));
    else names.add(String(c.name));
    if (!c.image) causes.push(fieldCause('FieldValueRequired', `${p}.image`, ''));
  });
  return causes;
}

function selectorProblems(obj: KubeObject, requireSelector: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = at(obj, 'spec.selector') as LabelSelectorSpec | undefined;
  const labels = at(obj, 'spec.template.metadata.labels') as Record<string, string> | undefined;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) {
    if (requireSelector) causes.push(fieldCause('FieldValueRequired', 'spec.selector', ''));
  } else if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
    causes.push(fieldCause('FieldValueInvalid', 'spec.selector', 'empty selector is invalid for deployment', selector));
  }
  if (selector && !matchesLabels(fromLabelSelectorSpec(selector), labels)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' });
  }
  return causes;
}

function replicasProblems(obj: KubeObject): StatusCause[] {
  const r = at(obj, 'spec.replicas');
  if (r === undefined) return [];
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) return [fieldCause('FieldValueInvalid', 'spec.replicas', 'must be greater than or equal to 0', r)];
  return [];
}

function immutableSelector(obj: KubeObject, old: KubeObject | undefined): StatusCause[] {
  if (!old || deepEqual(at(obj, 'spec.selector'), at(old, 'spec.selector'))) return [];
  return [{ reason: 'FieldValueInvalid', message: `Invalid value: ${goSelector(at(obj, 'spec.selector'))}: field is immutable`, field: 'spec.selector' }];
}

const WORKLOADS = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet']);

/** Throws 422 Invalid when a written object breaks its kind's rules; `old` is the stored object on updates. */
export function validateKind(t: ResourceType, obj: KubeObject, old?: KubeObject): void {
  const id = `${t.group}/${t.kind}`;
  let causes: StatusCause[] = [];
  if (id === 'apiextensions.k8s.io/CustomResourceDefinition') validateCrd(obj);
  if (WORKLOADS.has(id)) {
    causes = [...replicasProblems(obj), ...selectorProblems(obj, true), ...podSpecProblems(at(obj, 'spec.template.spec'), 'spec.template.spec'), ...immutableSelector(obj, old)];
  } else if (id === 'batch/Job') {
    causes = [...podSpecProblems(at(obj, 'spec.template.spec'), 'spec.template.spec')];
    // Pod templates default restartPolicy to Always, which a Job refuses.
    const rp = at(obj, 'spec.template.spec.restartPolicy') ?? 'Always';
    if (rp !== 'OnFailure' && rp !== 'Never') causes.push(fieldCause('FieldValueNotSupported', 'spec.template.spec.restartPolicy', 'supported values: "OnFailure", "Never"', rp));
  } else if (id === 'batch/CronJob') {
    if (!at(obj, 'spec.schedule')) causes.push(fieldCause('FieldValueRequired', 'spec.schedule', ''));
    causes.push(...podSpecProblems(at(obj, 'spec.jobTemplate.spec.template.spec'), 'spec.jobTemplate.spec.template.spec'));
  } else if (id === '/Pod') {
    causes = podSpecProblems(at(obj, 'spec'), 'spec');
  } else if (id === '/Service') {
    const type = at(obj, 'spec.type') ?? 'ClusterIP';
    const ports = at(obj, 'spec.ports');
    if (type !== 'ExternalName' && at(obj, 'spec.clusterIP') !== 'None' && (!Array.isArray(ports) || ports.length === 0)) causes.push(fieldCause('FieldValueRequired', 'spec.ports', ''));
    if (Array.isArray(ports)) {
      ports.forEach((p: Obj, i) => {
        const port = p?.port;
        if (typeof port !== 'number' || port < 1 || port > 65535) causes.push(fieldCause('FieldValueInvalid', `spec.ports[${i}].port`, 'must be between 1 and 65535, inclusive', port));
      });
    }
  }
  if (old && t.builtIn) causes.push(...updateProblems(id, obj, old));
  if (causes.length) throw invalid(t.kind, t.group, obj.metadata.name ?? '', causes);
}
