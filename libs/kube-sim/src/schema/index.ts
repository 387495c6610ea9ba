// The schema of what a cluster serves, from @flotilla/kube-schema: built-in kinds from the published OpenAPI, custom
// resources from their CRD's openAPIV3Schema. Server-side apply, strategic merge and field validation read it.

import type { JsonObject, SchemaNode } from '@flotilla/kube-schema';
import { customSchemaNode, schemaNodeFor } from '@flotilla/kube-schema';
import type { ListType, ListTypeOf } from '../apply/list-types.js';
import { defaultListTypes } from '../apply/list-types.js';
import type { CrdSpec } from '../crd/index.js';
import type { ObjectStore } from '../store/index.js';
import type { ResourceType } from '../types/index.js';

const CRD_REF = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
const customCache = new WeakMap<object, SchemaNode>();

/** The schema of `t` at `version`, or undefined when none is known (then nothing is validated or pruned). */
export function schemaOf(store: ObjectStore, t: ResourceType, version: string): SchemaNode | undefined {
  if (t.builtIn) return schemaNodeFor({ group: t.group, version, kind: t.kind });
  const crd = store.get(CRD_REF, undefined, `${t.resource}.${t.group}`);
  const v = (crd?.spec as CrdSpec | undefined)?.versions?.find((x) => x.name === version);
  const schema = v?.schema?.openAPIV3Schema;
  if (!schema) return undefined;
  let node = customCache.get(schema);
  if (!node) customCache.set(schema, (node = customSchemaNode(schema as JsonObject)));
  return node;
}

function nodeAt(root: SchemaNode, names: string[]): SchemaNode {
  let node = root;
  for (const name of names) {
    if (node.shape === 'list') node = node.item();
    node = node.field(name);
  }
  return node;
}

/** List semantics for server-side apply from the schema, falling back to the built-in table where it says nothing. */
export function listTypesFrom(root: SchemaNode | undefined): ListTypeOf {
  if (!root) return defaultListTypes;
  return (group, kind, names) => {
    const node = nodeAt(root, names);
    if (node.shape !== 'list') return defaultListTypes(group, kind, names);
    const lt: ListType = node.listType === 'map' && node.listMapKeys.length ? { type: 'map', keys: [...node.listMapKeys] } : node.listType === 'set' ? { type: 'set' } : { type: 'atomic' };
    return lt;
  };
}
