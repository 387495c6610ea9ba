// Bearer-token authentication and RBAC-like authorization per token, with the apiserver's 401/403 Status bodies.

import { ApiError, forbidden, unauthorized } from '../errors/index.js';

/** Like rbac/v1 PolicyRule, plus `namespaces` (what a RoleBinding would scope); omit it for cluster-wide. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  namespaces?: string[];
  nonResourceURLs?: string[];
}

export interface User {
  name: string;
  groups: string[];
  rules: PolicyRule[];
  admin: boolean;
}

export interface Attributes {
  verb: string;
  isResourceRequest: boolean;
  path: string;
  group: string;
  resource: string;
  subresource: string;
  namespace?: string;
  name: string;
}

export class Authenticator {
  private readonly users = new Map<string, User>();
  private seq = 0;

  addAdmin(token: string): void {
    this.users.set(token, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'], rules: [], admin: true });
  }

  /** A token for an identity whose rights come only from the cluster's RBAC objects (and later grants). */
  issue(token: string, name: string, groups: string[]): User {
    const u: User = { name, groups: [...new Set([...groups, 'system:authenticated'])], rules: [], admin: false };
    this.users.set(token, u);
    return u;
  }

  /** Adds rules to a token (creating its user on first use). User names never contain the token. */
  grant(token: string, rules: PolicyRule[], userName?: string): User {
    let u = this.users.get(token);
    if (!u) {
      u = { name: userName ?? `user-${++this.seq}`, groups: ['system:authenticated'], rules: [], admin: false };
      this.users.set(token, u);
    }
    u.rules.push(...rules);
    return u;
  }

  revoke(token: string): void {
    this.users.delete(token);
  }

  /** Returns the user for an `Authorization` header, or throws 401 Unauthorized. */
  authenticate(header: string | undefined): User {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const user = m ? this.users.get(m[1]!) : undefined;
    if (!user) throw unauthorized();
    return user;
  }
}

function has(list: string[] | undefined, value: string): boolean {
  return !list || list.includes('*') || list.includes(value);
}

function resourceMatches(resources: string[] | undefined, resource: string, subresource: string): boolean {
  if (!resources) return false;
  const full = subresource ? `${resource}/${subresource}` : resource;
  return resources.some((r) => r === '*' || r === full || (subresource && r === `*/${subresource}`));
}

export function allowed(user: User, a: Attributes): boolean {
  if (user.admin) return true;
  return user.rules.some((r) => {
    if (!has(r.verbs, a.verb) || r.verbs.length === 0) return false;
    if (!a.isResourceRequest) return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
    if (!r.apiGroups || !has(r.apiGroups, a.group)) return false;
    if (!resourceMatches(r.resources, a.resource, a.subresource)) return false;
    if (r.resourceNames?.length && !r.resourceNames.includes(a.name)) return false;
    if (r.namespaces && (!a.namespace || !r.namespaces.includes(a.namespace))) return false;
    return true;
  });
}

/** Discovery, version and health paths every authenticated user may read (system:discovery, system:public-info-viewer). */
export function isPublicPath(path: string): boolean {
  return /^\/(version|healthz|livez|readyz|openapi\/v2|openapi\/v3(\/.*)?|api|api\/v1|apis|apis\/[^/]+|apis\/[^/]+\/[^/]+)\/?$/.test(path);
}

/** The 403 Status the apiserver writes: `deployments.apps "x" is forbidden: User "u" cannot get resource ...`. */
export function forbiddenFor(user: User, a: Attributes): ApiError {
  if (!a.isResourceRequest) {
    return new ApiError(403, 'Forbidden', `forbidden: User "${user.name}" cannot ${a.verb} path "${a.path}"`, {});
  }
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return forbidden({ group: a.group, resource: a.resource }, a.name, `User "${user.name}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${scope}`);
}
