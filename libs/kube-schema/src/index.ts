// @flotilla/kube-schema: Kubernetes schema knowledge shared by the API simulator and the renderer, generated from the
// upstream OpenAPI document (see scripts/generate.ts). Everything here is pure: no I/O, no clock.

export type {
  GroupInfo,
  GroupVersionKind,
  JsonObject,
  JsonValue,
  ResourceInfo,
  ScalePaths,
  SchemaObject,
  SubresourceInfo,
} from './types.js';

// The built-in resources: what discovery says about each kind, and their OpenAPI v2 definitions.
export {
  KUBERNETES_SCHEMA_VERSION,
  apiVersionOf,
  builtinDefinitions,
  builtinGroups,
  builtinResources,
  findByKind,
  findByResource,
  parseApiVersion,
} from './catalog.js';

// The documents served at /openapi/v2 and /openapi/v3, for the built-in kinds plus established CRDs.
export { customDefinitionName, type CustomResourceSchema } from './openapi/served.js';
export { openApiV2Document, type OpenApiInfo } from './openapi/v2.js';
export { openApiV3Document, openApiV3Index, type OpenApiV3Index } from './openapi/v3.js';
export { OPENAPI_V2_PROTOBUF_MEDIA_TYPE, openApiV2Protobuf } from './openapi/protobuf.js';

// Field structure for server-side apply and validation: list and map types, merge keys, unknown fields.
export {
  customSchemaNode,
  schemaNodeAt,
  schemaNodeFor,
  type ListType,
  type MapType,
  type SchemaNode,
  type TypeRef,
} from './schema/node.js';
export { pruneUnknownFields, unknownFields } from './schema/fields.js';

// Patches: strategic merge (apimachinery semantics) and JSON merge (RFC 7386).
export { strategicMergePatch, supportsStrategicMergePatch } from './patch/api.js';
export { jsonMergePatch } from './patch/merge-patch.js';
export type { PatchError, PatchErrorCode, PatchResult } from './patch/errors.js';

// Labels: DNS-1123 names, label keys and values, and label selectors (string syntax and metav1.LabelSelector specs).
export { dns1123LabelProblem, labelKeyProblem, labelValueProblem, labelsProblems } from './labels/validation.js';
export {
  fromLabelSelectorSpec,
  matchesLabels,
  parseLabelSelector,
  splitTopLevel,
  type LabelRequirement,
  type LabelSelector,
  type LabelSelectorSpec,
  type SelectorParse,
  type SelectorProblem,
  type SelectorProblemCode,
  type SelectorSyntax,
} from './labels/selector.js';
