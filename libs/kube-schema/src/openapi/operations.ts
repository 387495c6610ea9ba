// The REST operations kube-apiserver serves for a resource, described once and rendered as OpenAPI v2 or v3.
import { builtinParameters } from '../catalog.js';
import type { GroupVersionKind, JsonObject } from '../types.js';
import type { ServedResource } from './served.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

export interface ParameterSpec {
  readonly name: string;
  readonly in: 'query' | 'path';
  /** The v2 parameter object (name, in, description, type, uniqueItems, required). */
  readonly v2: JsonObject;
}

export interface OperationSpec {
  readonly method: HttpMethod;
  readonly operationId: string;
  readonly description: string;
  readonly tag: string;
  readonly action: string;
  readonly gvk: GroupVersionKind;
  readonly parameters: readonly ParameterSpec[];
  /** Request body definition, and whether it is a patch (whose content types are the patch types). */
  readonly body?: { readonly definition: string; readonly required: boolean; readonly patch: boolean };
  readonly response: { readonly definition: string; readonly codes: readonly string[] };
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
}

export interface PathSpec {
  readonly path: string;
  readonly parameters: readonly ParameterSpec[];
  readonly operations: readonly OperationSpec[];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const WATCH_EVENT = `${META}.WatchEvent`;
const PATCH = `${META}.Patch`;

const LIST_PARAMS = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE_PARAMS = ['dryRun', 'gracePeriodSeconds', 'orphanDependents', 'propagationPolicy'];
const DELETE_COLLECTION_PARAMS = ['continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'labelSelector', 'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds'];

/** Patch content types: strategic merge only for built-in kinds, as kube-apiserver answers 415 for it on custom resources. */
export function patchContentTypes(custom: boolean): string[] {
  return custom
    ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
    : ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
}

function param(name: string): ParameterSpec {
  const v2 = builtinParameters()[name];
  if (!v2) throw new Error(`no upstream description for parameter ${name}`);
  return { name, in: v2['in'] === 'path' ? 'path' : 'query', v2: { ...v2, name } };
}

function nameParam(kind: string, sub?: string): ParameterSpec {
  const description = sub && sub !== 'status' ? `name of the ${sub === 'scale' ? 'Scale' : kind}` : `name of the ${kind}`;
  return { name: 'name', in: 'path', v2: { description, in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true } };
}

/** "networking.k8s.io" -> "Networking", "rbac.authorization.k8s.io" -> "RbacAuthorization", "" -> "Core". */
function groupIdentifier(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function tagOf(group: string, version: string): string {
  const id = groupIdentifier(group);
  return `${id.charAt(0).toLowerCase()}${id.slice(1)}_${version}`;
}

/** The root of a group-version's paths: /api/v1 or /apis/<group>/<version>. */
export function groupVersionRoot(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export function pathsFor(r: ServedResource): PathSpec[] {
  const gv = `${groupIdentifier(r.group)}${r.version.charAt(0).toUpperCase()}${r.version.slice(1)}`;
  const ns = r.namespaced ? 'Namespaced' : '';
  const tag = tagOf(r.group, r.version);
  const root = groupVersionRoot(r.group, r.version);
  const scope = r.namespaced ? `${root}/namespaces/{namespace}` : root;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const produces = r.custom ? ['application/json', 'application/yaml'] : ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
  const watchProduces = r.custom
    ? [...produces, 'application/json;stream=watch']
    : [...produces, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
  const has = (verb: string): boolean => r.verbs.includes(verb);
  const scopeParams = r.namespaced ? [param('namespace'), param('pretty')] : [param('pretty')];
  const op = (o: Omit<OperationSpec, 'tag' | 'gvk' | 'consumes' | 'produces'> & Partial<Pick<OperationSpec, 'gvk' | 'consumes' | 'produces'>>): OperationSpec => ({
    tag,
    gvk,
    consumes: ['*/*'],
    produces,
    ...o,
  });
  const paths: PathSpec[] = [];

  const collection: OperationSpec[] = [];
  if (has('list')) {
    collection.push(op({ method: 'get', action: 'list', operationId: `list${gv}${ns}${r.kind}`, description: `list or watch objects of kind ${r.kind}`, parameters: LIST_PARAMS.map(param), response: { definition: r.listDefinition, codes: ['200'] }, produces: watchProduces }));
  }
  if (has('create')) {
    collection.push(op({ method: 'post', action: 'post', operationId: `create${gv}${ns}${r.kind}`, description: `create ${article(r.kind)} ${r.kind}`, parameters: WRITE_PARAMS.map(param), body: { definition: r.definition, required: true, patch: false }, response: { definition: r.definition, codes: ['200', '201', '202'] } }));
  }
  if (has('deletecollection')) {
    collection.push(op({ method: 'delete', action: 'deletecollection', operationId: `delete${gv}Collection${ns}${r.kind}`, description: `delete collection of ${r.kind}`, parameters: DELETE_COLLECTION_PARAMS.map(param), body: { definition: DELETE_OPTIONS, required: false, patch: false }, response: { definition: STATUS, codes: ['200'] } }));
  }
  if (collection.length > 0) paths.push({ path: `${scope}/${r.plural}`, parameters: scopeParams, operations: collection });

  const itemParams = [nameParam(r.kind), ...scopeParams];
  const item: OperationSpec[] = [];
  if (has('get')) item.push(op({ method: 'get', action: 'get', operationId: `read${gv}${ns}${r.kind}`, description: `read the specified ${r.kind}`, parameters: [], response: { definition: r.definition, codes: ['200'] } }));
  if (has('update')) item.push(op({ method: 'put', action: 'put', operationId: `replace${gv}${ns}${r.kind}`, description: `replace the specified ${r.kind}`, parameters: WRITE_PARAMS.map(param), body: { definition: r.definition, required: true, patch: false }, response: { definition: r.definition, codes: ['200', '201'] } }));
  if (has('patch')) item.push(op({ method: 'patch', action: 'patch', operationId: `patch${gv}${ns}${r.kind}`, description: `partially update the specified ${r.kind}`, parameters: [...WRITE_PARAMS, 'force'].map(param), body: { definition: PATCH, required: true, patch: true }, response: { definition: r.definition, codes: ['200', '201'] }, consumes: patchContentTypes(r.custom) }));
  if (has('delete')) item.push(op({ method: 'delete', action: 'delete', operationId: `delete${gv}${ns}${r.kind}`, description: `delete ${article(r.kind)} ${r.kind}`, parameters: DELETE_PARAMS.map(param), body: { definition: DELETE_OPTIONS, required: false, patch: false }, response: { definition: STATUS, codes: ['200', '202'] } }));
  if (item.length > 0) paths.push({ path: `${scope}/${r.plural}/{name}`, parameters: itemParams, operations: item });

  for (const sub of r.subresources) {
    const Sub = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
    const subOps: OperationSpec[] = [];
    const subHas = (verb: string): boolean => sub.verbs.includes(verb);
    const what = `${sub.name} of the specified ${r.kind}`;
    const base = { gvk: sub.gvk };
    if (subHas('get')) subOps.push(op({ ...base, method: 'get', action: 'get', operationId: `read${gv}${ns}${r.kind}${Sub}`, description: `read ${what}`, parameters: [], response: { definition: sub.definition, codes: ['200'] } }));
    if (subHas('create')) subOps.push(op({ ...base, method: 'post', action: 'post', operationId: `create${gv}${ns}${r.kind}${Sub}`, description: `create ${what}`, parameters: WRITE_PARAMS.map(param), body: { definition: sub.definition, required: true, patch: false }, response: { definition: sub.definition, codes: ['200', '201', '202'] } }));
    if (subHas('update')) subOps.push(op({ ...base, method: 'put', action: 'put', operationId: `replace${gv}${ns}${r.kind}${Sub}`, description: `replace ${what}`, parameters: WRITE_PARAMS.map(param), body: { definition: sub.definition, required: true, patch: false }, response: { definition: sub.definition, codes: ['200', '201'] } }));
    if (subHas('patch')) subOps.push(op({ ...base, method: 'patch', action: 'patch', operationId: `patch${gv}${ns}${r.kind}${Sub}`, description: `partially update ${what}`, parameters: [...WRITE_PARAMS, 'force'].map(param), body: { definition: PATCH, required: true, patch: true }, response: { definition: sub.definition, codes: ['200', '201'] }, consumes: patchContentTypes(r.custom) }));
    if (subOps.length > 0) paths.push({ path: `${scope}/${r.plural}/{name}/${sub.name}`, parameters: [nameParam(r.kind, sub.name), ...scopeParams], operations: subOps });
  }

  if (has('list') && r.namespaced) {
    paths.push({
      path: `${root}/${r.plural}`,
      parameters: [...LIST_PARAMS, 'pretty'].map(param).sort(byName),
      operations: [op({ method: 'get', action: 'list', operationId: `list${gv}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, parameters: [], response: { definition: r.listDefinition, codes: ['200'] }, produces: watchProduces })],
    });
  }
  if (has('watch')) {
    const watchParams = [...LIST_PARAMS, 'pretty'].map(param).sort(byName);
    const watchScope = r.namespaced ? `${root}/watch/namespaces/{namespace}` : `${root}/watch`;
    const watchOp = (action: 'watch' | 'watchlist', operationId: string, description: string): OperationSpec =>
      op({ method: 'get', action, operationId, description, parameters: [], response: { definition: WATCH_EVENT, codes: ['200'] }, produces: watchProduces });
    const nsParams = r.namespaced ? [param('namespace')] : [];
    paths.push({ path: `${watchScope}/${r.plural}`, parameters: [...watchParams, ...nsParams].sort(byName), operations: [watchOp('watchlist', `watch${gv}${ns}${r.kind}List`, `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`)] });
    paths.push({ path: `${watchScope}/${r.plural}/{name}`, parameters: [...watchParams, ...nsParams, nameParam(r.kind)].sort(byName), operations: [watchOp('watch', `watch${gv}${ns}${r.kind}`, `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`)] });
    if (r.namespaced) {
      paths.push({ path: `${root}/watch/${r.plural}`, parameters: watchParams, operations: [watchOp('watchlist', `watch${gv}${r.kind}ListForAllNamespaces`, `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`)] });
    }
  }
  return paths;
}

function byName(a: ParameterSpec, b: ParameterSpec): number {
  return a.name.localeCompare(b.name);
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
