// API roles, ordered: each role may do everything the ones below it may.
import { FlotillaError } from '../errors/index.js';

export const roles = ['viewer', 'promoter', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: the API token that authenticated the request. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

export function hasRole(principal: Principal, needed: Role): boolean {
  return roles.indexOf(principal.role) >= roles.indexOf(needed);
}

/** Throws PermissionDenied unless `principal` has at least role `needed`. */
export function requireRole(principal: Principal, needed: Role, action: string): void {
  if (!hasRole(principal, needed)) {
    throw new FlotillaError(
      'PermissionDenied',
      `${action} needs role ${needed}; token "${principal.name}" (${principal.tokenId}) has role ${principal.role}`,
    );
  }
}
