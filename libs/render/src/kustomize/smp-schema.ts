// How kustomize merges a list field in a strategic-merge patch, from the Kubernetes schema (x-kubernetes-patch-strategy,
// -merge-key, list-map-keys), corrected where kustomize's embedded schema (Kubernetes 1.21.2) differs from the one we carry.
import { schemaNodeFor } from '@flotilla/kube-schema';
import type { SchemaNode } from '@flotilla/kube-schema';

/** `keys` is the merge key, then any further x-kubernetes-list-map-keys (container ports: containerPort, protocol). */
export type ListRule = { strategy: 'replace' } | { strategy: 'set' } | { strategy: 'merge'; key: string; keys: readonly string[] };

const REPLACE: ListRule = { strategy: 'replace' };

/** Merge-keyed fields added after Kubernetes 1.21: kustomize has no strategy for them and replaces the list. */
const NEWER_THAN_KUSTOMIZE: Record<string, readonly string[]> = {
  'io.k8s.api.core.v1.PodSpec': ['resourceClaims', 'schedulingGates'],
  'io.k8s.api.core.v1.PodStatus': ['hostIPs', 'resourceClaimStatuses'],
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': ['x-kubernetes-validations'],
};

/** Root list fields of kinds our schema does not carry but kustomize's does. */
const MISSING_FROM_OUR_SCHEMA: { group: string; kinds: readonly string[]; field: string; rule: ListRule }[] = [
  {
    group: 'admissionregistration.k8s.io',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    field: 'webhooks',
    rule: { strategy: 'merge', key: 'name', keys: ['name'] },
  },
];

/**
 * Versions kustomize's 1.21 schema still has and ours (served by current Kubernetes) does not, by the version we carry
 * with the same list semantics. Any other version we do not know has no schema there either: its lists are replaced.
 */
const OLDER_VERSIONS: Record<string, { group: string; version: string }> = {
  'batch/v1beta1 CronJob': { group: 'batch', version: 'v1' },
  'policy/v1beta1 PodDisruptionBudget': { group: 'policy', version: 'v1' },
  'autoscaling/v2beta1 HorizontalPodAutoscaler': { group: 'autoscaling', version: 'v2' },
  'autoscaling/v2beta2 HorizontalPodAutoscaler': { group: 'autoscaling', version: 'v2' },
};

/** The schema kyaml merges an object of this apiVersion and kind with; undefined when kustomize has none. */
export function schemaForKind(apiVersion: string, kind: string): SchemaNode | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const known = schemaNodeFor({ group, version, kind });
  if (known !== undefined) return known;
  const older = Object.prototype.hasOwnProperty.call(OLDER_VERSIONS, `${apiVersion} ${kind}`) ? OLDER_VERSIONS[`${apiVersion} ${kind}`] : undefined;
  return older === undefined ? undefined : schemaNodeFor({ ...older, kind });
}

let newer: Map<object, ReadonlySet<string>> | undefined;

/** The correction table by schema object, so a node is recognised however it was reached. */
function newerFields(): Map<object, ReadonlySet<string>> {
  if (newer === undefined) {
    newer = new Map();
    for (const [definition, fields] of Object.entries(NEWER_THAN_KUSTOMIZE)) {
      const node = schemaNodeFor({ definition });
      if (node !== undefined) newer.set(node.schema, new Set(fields));
    }
  }
  return newer;
}

/**
 * The rule for list `field` of an object whose schema is `parent` (undefined: no schema, as for custom resources).
 * `atRoot` says the object is the patched resource itself.
 */
export function listRule(parent: SchemaNode | undefined, field: string, ctx: { group: string; kind: string }, atRoot: boolean): ListRule {
  if (atRoot) {
    const missing = MISSING_FROM_OUR_SCHEMA.find((m) => m.group === ctx.group && m.field === field && m.kinds.includes(ctx.kind));
    if (missing !== undefined) return missing.rule;
  }
  if (parent === undefined || newerFields().get(parent.schema)?.has(field) === true) return REPLACE;
  const node = parent.field(field);
  if (!node.patchStrategies.includes('merge')) return REPLACE;
  const key = node.patchMergeKey;
  if (key === undefined) return { strategy: 'set' };
  const mapKeys = node.listMapKeys;
  return { strategy: 'merge', key, keys: mapKeys[0] === key ? mapKeys : [key] };
}
