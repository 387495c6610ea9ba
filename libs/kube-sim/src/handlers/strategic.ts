// Strategic merge patch for built-in kinds, by @flotilla/kube-schema (apimachinery semantics), errors as Status.

import type { JsonObject } from '@flotilla/kube-schema';
import { strategicMergePatch } from '@flotilla/kube-schema';
import { ApiError, badRequest } from '../errors/index.js';
import type { ResourceType } from '../types/index.js';

const STATUS: Record<string, number> = { BadRequest: 400, Invalid: 422, UnsupportedMediaType: 415 };

export function strategicPatch(t: ResourceType, version: string, live: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('the strategic merge patch must be a JSON object');
  const r = strategicMergePatch(live as JsonObject, patch as JsonObject, { group: t.group, version, kind: t.kind });
  if (r.ok) return r.value;
  const code = STATUS[r.error.code] ?? 400;
  throw new ApiError(code, r.error.code as 'BadRequest' | 'Invalid' | 'UnsupportedMediaType', r.error.message);
}
