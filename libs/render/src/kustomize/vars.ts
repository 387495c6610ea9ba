// kustomize's vars (deprecated, common in older repositories): `$(NAME)` in the fields of its varReference list is
// replaced, after every name is final, by a field of the object the var points at; `$$` escapes a dollar.
import { RenderError } from '../errors.js';
import { isObject } from '../objects.js';
import { gvkOf } from '../order.js';
import type { Resource } from '../resource.js';
import { describe } from '../resource.js';
import type { JsonValue } from '../types.js';
import { applySpecs, spec } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';

export interface VarDef {
  name: string;
  objref: { apiVersion?: string; group?: string; version?: string; kind?: string; name?: string; namespace?: string };
  fieldPath: string;
  file: string;
  line: number | undefined;
}

const WORKLOADS: [string, string][] = [
  ['CronJob', 'spec/jobTemplate/spec/template/spec/'], ['DaemonSet', 'spec/template/spec/'], ['Deployment', 'spec/template/spec/'],
  ['Job', 'spec/template/spec/'], ['Pod', 'spec/'], ['ReplicaSet', 'spec/template/spec/'], ['StatefulSet', 'spec/template/spec/'],
];

/** kustomize's default varReference field specs. */
const VAR_REFERENCES: FieldSpec[] = [
  ...WORKLOADS.flatMap(([kind, prefix]) =>
    ['containers', 'initContainers'].flatMap((c) => ['args', 'command', 'env/value', 'volumeMounts/mountPath'].map((f) => spec(`${prefix}${c}/${f}`, kind))),
  ),
  // CronJob's nfs path is kustomize's own (one level short of the pod spec), kept as it is.
  ...WORKLOADS.map(([kind, prefix]) => spec(kind === 'CronJob' ? 'spec/jobTemplate/spec/template/volumes/nfs/server' : `${prefix}volumes/nfs/server`, kind)),
  spec('spec/template/metadata/annotations', 'Deployment'),
  spec('spec/rules/host', 'Ingress'),
  spec('spec/tls/hosts', 'Ingress'),
  spec('spec/tls/secretName', 'Ingress'),
  spec('spec/ports/port', 'Service'),
  spec('spec/ports/targetPort', 'Service'),
  spec('spec/volumeClaimTemplates/spec/nfs/server', 'StatefulSet'),
  spec('spec/nfs/server', 'PersistentVolume'),
  spec('metadata/labels'),
  spec('metadata/annotations'),
];

/** `spec.ports[0].port` or `spec.ports.0.port` into the value it names. */
function valueAt(obj: JsonValue, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) return undefined;
    const [, key, indexes] = m as unknown as [string, string, string];
    if (key !== '') {
      if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
      else if (isObject(cur)) cur = cur[key];
      else return undefined;
    }
    for (const ix of indexes.match(/\d+/g) ?? []) cur = Array.isArray(cur) ? cur[Number(ix)] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function matches(r: Resource, v: VarDef): boolean {
  const g = gvkOf(r.obj);
  const o = v.objref;
  if (o.apiVersion !== undefined && o.apiVersion !== r.obj.apiVersion) return false;
  if (o.group !== undefined && o.group !== g.group) return false;
  if (o.version !== undefined && o.version !== g.version) return false;
  return r.ids.some((id) => (o.kind === undefined || o.kind === id.kind) && (o.name === undefined || o.name === id.name) && (o.namespace === undefined || o.namespace === id.namespace));
}

function resolve(resources: Resource[], v: VarDef): JsonValue {
  const found = resources.filter((r) => matches(r, v));
  if (found.length !== 1) {
    throw new RenderError(found.length === 0 ? 'NotFound' : 'InvalidArgument', `var "${v.name}": found ${found.length} objects matching ${v.objref.kind ?? ''} ${v.objref.name ?? ''}`.trimEnd(), { file: v.file, line: v.line });
  }
  const r = found[0] as Resource;
  const value = valueAt(r.obj, v.fieldPath);
  if (value === undefined || (value !== null && typeof value === 'object')) {
    throw new RenderError('InvalidArgument', `var "${v.name}": field ${v.fieldPath} of ${describe(r)} is missing or not a scalar`, { file: v.file, line: v.line });
  }
  return value;
}

const text = (v: JsonValue): string => (v === null ? 'null' : String(v));

/** Kubernetes' $(VAR) expansion: known names replaced, unknown ones left, `$$` read as one `$`. */
function expand(s: string, values: Map<string, JsonValue>, used: Set<string>): JsonValue {
  const whole = /^\$\(([^)]*)\)$/.exec(s);
  if (whole !== null && values.has(whole[1] as string)) {
    used.add(whole[1] as string);
    return values.get(whole[1] as string) as JsonValue;
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '$' || i + 1 >= s.length) {
      out += ch;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const end = s.indexOf(')', i + 2);
      const name = end < 0 ? undefined : s.slice(i + 2, end);
      if (name !== undefined && values.has(name)) {
        used.add(name);
        out += text(values.get(name) as JsonValue);
        i = end;
      } else if (name !== undefined) {
        out += s.slice(i, end + 1);
        i = end;
      } else out += ch;
    } else out += ch;
  }
  return out;
}

export function resolveVars(resources: Resource[], vars: VarDef[], custom: readonly FieldSpec[] = []): void {
  if (vars.length === 0) return;
  const values = new Map<string, JsonValue>();
  for (const v of vars) values.set(v.name, resolve(resources, v));
  const used = new Set<string>();
  const sub = (x: JsonValue): JsonValue => (typeof x === 'string' ? expand(x, values, used) : x);
  for (const r of resources) {
    applySpecs(r.obj, [...VAR_REFERENCES, ...custom], (parent, key) => {
      const v = parent[key];
      if (typeof v === 'string') parent[key] = sub(v);
      else if (Array.isArray(v)) v.forEach((x, i) => (v[i] = sub(x)));
      else if (isObject(v)) for (const k of Object.keys(v)) v[k] = typeof v[k] === 'string' ? text(sub(v[k] as JsonValue)) : (v[k] as JsonValue);
    });
  }
}

/** Vars of every kustomization in the build; one name defined twice is an error, as in kustomize. */
export function addVars(into: VarDef[], more: VarDef[]): void {
  for (const v of more) {
    const dup = into.find((x) => x.name === v.name);
    if (dup !== undefined) throw new RenderError('InvalidArgument', `var "${v.name}" already encountered (first in ${dup.file})`, { file: v.file, line: v.line });
    into.push(v);
  }
}
