// Entry points of the patch engines, returning results instead of throwing.
import { findByKind, apiVersionOf } from '../catalog.js';
import { schemaNodeFor, unknownSchemaNode, type TypeRef } from '../schema/node.js';
import type { GroupVersionKind, JsonObject } from '../types.js';
import { toResult, type PatchResult } from './errors.js';
import { applyStrategicMergePatch } from './strategic.js';

/**
 * Applies a strategic merge patch to `original` as kube-apiserver does for a built-in kind (neither input is modified).
 * List merge keys and strategies come from the kind's schema; directives `$patch` (replace, delete), `$retainKeys`,
 * `$setElementOrder/<field>` and `$deleteFromPrimitiveList/<field>` are honoured, and null deletes a key.
 *
 * Merged lists keep apimachinery's order: items of the original stay in their order, and patch items the original does
 * not have come before the next item the original has (so an added container goes first, unlike kustomize, which
 * appends). For a type we have no schema for (a custom resource), maps merge and lists are replaced, as in a JSON
 * merge patch with directives; kube-apiserver itself refuses strategic merge for custom resources, see
 * supportsStrategicMergePatch.
 */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, type: TypeRef): PatchResult<JsonObject> {
  const schema = schemaNodeFor(type) ?? unknownSchemaNode();
  return toResult(() => applyStrategicMergePatch(original, patch, schema));
}

/** Whether kube-apiserver accepts application/strategic-merge-patch+json for this kind (built-in kinds only; else 415). */
export function supportsStrategicMergePatch(type: GroupVersionKind): boolean {
  return findByKind(apiVersionOf(type), type.kind) !== undefined;
}
