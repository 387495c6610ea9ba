// RBAC from the cluster's own Role, ClusterRole, RoleBinding and ClusterRoleBinding objects, as the RBAC authorizer
// evaluates them, so an agent installed with its chart's RBAC gets exactly the rights the chart grants.

import type { ObjectStore } from '../store/index.js';
import type { KubeObject } from '../types/index.js';
import type { Attributes, PolicyRule, User } from './index.js';
import { allowed } from './index.js';

const RBAC = 'rbac.authorization.k8s.io';

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

function subjectMatches(s: Subject, user: User, bindingNamespace: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${s.namespace ?? bindingNamespace ?? ''}:${s.name}`;
  return false;
}

function rulesOf(store: ObjectStore, roleRef: { kind?: string; name?: string } | undefined, namespace: string | undefined): PolicyRule[] {
  if (!roleRef?.name) return [];
  const role =
    roleRef.kind === 'ClusterRole'
      ? store.get({ group: RBAC, resource: 'clusterroles' }, undefined, roleRef.name)
      : namespace
        ? store.get({ group: RBAC, resource: 'roles' }, namespace, roleRef.name)
        : undefined;
  return ((role as (KubeObject & { rules?: PolicyRule[] }) | undefined)?.rules ?? []) as PolicyRule[];
}

function ruleAllows(r: PolicyRule, a: Attributes): boolean {
  const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));
  if (!has(r.verbs, a.verb)) return false;
  if (!a.isResourceRequest) return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
  if (!has(r.apiGroups, a.group)) return false;
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!(r.resources ?? []).some((x) => x === '*' || x === full || (a.subresource !== '' && x === `*/${a.subresource}`))) return false;
  if (r.resourceNames?.length && !r.resourceNames.includes(a.name)) return false;
  return true;
}

/** Every rule that applies to `user` in `namespace`, from the cluster's RBAC objects. */
export function rbacRules(store: ObjectStore, user: User, namespace: string): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const b of store.list({ group: RBAC, resource: 'clusterrolebindings' }).items) {
    if (((b.subjects ?? []) as Subject[]).some((s) => subjectMatches(s, user, undefined))) out.push(...rulesOf(store, b.roleRef as { kind?: string; name?: string }, undefined));
  }
  if (namespace) {
    for (const b of store.list({ group: RBAC, resource: 'rolebindings' }, { namespace }).items) {
      if (((b.subjects ?? []) as Subject[]).some((s) => subjectMatches(s, user, namespace))) out.push(...rulesOf(store, b.roleRef as { kind?: string; name?: string }, namespace));
    }
  }
  return out;
}

/** Whether the cluster's RBAC objects allow `a` for `user`. */
export function rbacAllows(store: ObjectStore, user: User, a: Attributes): boolean {
  for (const b of store.list({ group: RBAC, resource: 'clusterrolebindings' }).items) {
    const subjects = (b.subjects ?? []) as Subject[];
    if (!subjects.some((s) => subjectMatches(s, user, undefined))) continue;
    if (rulesOf(store, b.roleRef as { kind?: string; name?: string }, undefined).some((r) => ruleAllows(r, a))) return true;
  }
  if (!a.namespace) return false;
  for (const b of store.list({ group: RBAC, resource: 'rolebindings' }, { namespace: a.namespace }).items) {
    const subjects = (b.subjects ?? []) as Subject[];
    if (!subjects.some((s) => subjectMatches(s, user, a.namespace))) continue;
    if (rulesOf(store, b.roleRef as { kind?: string; name?: string }, a.namespace).some((r) => ruleAllows(r, a))) return true;
  }
  return false;
}

/** The authorizer chain: admin, the token's granted rules, then the cluster's RBAC objects. */
export function can(store: ObjectStore, user: User, a: Attributes): boolean {
  return allowed(user, a) || rbacAllows(store, user, a);
}
