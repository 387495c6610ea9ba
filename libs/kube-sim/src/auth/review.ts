// SelfSubjectAccessReview (authorization.k8s.io/v1): what `kubectl auth can-i` asks.

import { badRequest } from '../errors/index.js';
import type { User } from './index.js';
import type { ObjectStore } from '../store/index.js';
import { can, rbacRules } from './rbac.js';
import type { PolicyRule } from './index.js';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export function selfSubjectAccessReview(store: ObjectStore, user: User, body: unknown): object {
  const review = body as { apiVersion?: string; kind?: string; spec?: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } } };
  if (!review || typeof review !== 'object' || !review.spec) throw badRequest('SelfSubjectAccessReview must have a spec');
  const ra = review.spec.resourceAttributes;
  const nra = review.spec.nonResourceAttributes;
  let ok: boolean;
  if (ra) {
    ok = can(store, user, { verb: ra.verb ?? '', isResourceRequest: true, path: '', group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '', namespace: ra.namespace || undefined, name: ra.name ?? '' });
  } else if (nra) {
    ok = can(store, user, { verb: nra.verb ?? '', isResourceRequest: false, path: nra.path ?? '', group: '', resource: '', subresource: '', name: '' });
  } else throw badRequest('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const status: Record<string, unknown> = { allowed: ok };
  if (ok && !user.admin) status.reason = 'allowed by simulator grant or RBAC';
  return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: review.spec, status };
}

/** What every authenticated user may do (system:basic-user), as real clusters list it. */
const BASIC_RULES: PolicyRule[] = [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }];

/** SelfSubjectRulesReview: the rules that apply to the caller in a namespace (`kubectl auth can-i --list`). */
export function selfSubjectRulesReview(store: ObjectStore, user: User, body: unknown): object {
  const review = body as { spec?: { namespace?: string } };
  const namespace = review?.spec?.namespace ?? '';
  const rules: PolicyRule[] = user.admin
    ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]
    : [...BASIC_RULES, ...user.rules.filter((r) => !r.namespaces || r.namespaces.includes(namespace)), ...rbacRules(store, user, namespace)];
  const resourceRules = rules
    .filter((r) => !r.nonResourceURLs)
    .map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) }));
  const nonResourceRules = rules.filter((r) => r.nonResourceURLs).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  return { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace }, status: { resourceRules, nonResourceRules, incomplete: false } };
}
