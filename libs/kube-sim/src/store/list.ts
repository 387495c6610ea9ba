// Listing helpers: field selectors per kind, and the opaque continue tokens of paginated lists.

import { ApiError, badRequest, gone } from '../errors/index.js';
import { parseFieldSelector } from '../selectors/index.js';
import type { KubeObject, ResourceType } from '../types/index.js';

/** A predicate for a fieldSelector; 400 for a field the kind does not index, like the apiserver. */
export function fieldMatcher(t: ResourceType, raw: string | undefined): (o: KubeObject) => boolean {
  if (!raw) return () => true;
  const reqs = parseFieldSelector(raw).map((r) => {
    const read =
      r.field === 'metadata.name' ? (o: KubeObject) => o.metadata.name ?? '' : r.field === 'metadata.namespace' ? (o: KubeObject) => o.metadata.namespace ?? '' : t.fieldSelectors?.[r.field];
    if (!read) throw badRequest(`field label not supported: ${r.field}`);
    return { ...r, read };
  });
  return (o) => reqs.every((r) => (r.read(o) === r.value) !== r.negate);
}

export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: lastKey })).toString('base64');
}

/** Decodes a continue token; 410 when its list's resourceVersion is older than what is retained. */
export function decodeContinue(token: string | undefined, compactedRv: number): { rv: number; start: string } | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      if (parsed.rv < compactedRv) throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
