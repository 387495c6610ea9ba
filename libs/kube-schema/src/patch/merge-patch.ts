// JSON merge patch (RFC 7386): what kube-apiserver applies for application/merge-patch+json, and what strategic merge
// degrades to for kinds without a schema.
import type { JsonValue } from '../types.js';

/** Returns `target` patched by `patch` (neither is modified): objects merge key by key, null deletes, the rest replaces. */
export function jsonMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, JsonValue> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else {
      const merged = jsonMergePatch(Object.prototype.hasOwnProperty.call(out, key) ? out[key]! : null, value);
      Object.defineProperty(out, key, { value: merged, writable: true, enumerable: true, configurable: true });
    }
  }
  return out;
}
