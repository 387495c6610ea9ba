// Custom resources checked against their CRD's structural schema (type, required, enum, bounds, pattern, items), and
// CRDs against the naming rule, with the field errors kube-apiserver reports (422 Invalid).

import type { StatusCause } from '../errors/index.js';
import { fieldCause, invalid } from '../errors/index.js';
import type { CrdSpec } from '../crd/index.js';
import type { ObjectStore } from '../store/index.js';
import type { KubeObject, ResourceType } from '../types/index.js';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function check(v: unknown, s: Schema, path: string, out: StatusCause[]): void {
  if (v === null && s.nullable) return;
  const t = typeOf(v);
  if (s['x-kubernetes-int-or-string']) {
    if (t !== 'integer' && t !== 'string') out.push(fieldCause('FieldValueInvalid', path, `${path} in body must be of type integer,string: ${JSON.stringify(t)}`, v));
    return;
  }
  if (s.type) {
    const ok = s.type === t || (s.type === 'number' && t === 'integer');
    if (!ok) {
      out.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: ${JSON.stringify(t)}: ${path} in body must be of type ${s.type}: ${JSON.stringify(t)}`, field: path });
      return;
    }
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    out.push(fieldCause('FieldValueNotSupported', path, `supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`, v));
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) out.push(fieldCause('FieldValueInvalid', path, `${path} in body should be greater than or equal to ${s.minimum}`, v));
    if (s.maximum !== undefined && v > s.maximum) out.push(fieldCause('FieldValueInvalid', path, `${path} in body should be less than or equal to ${s.maximum}`, v));
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) out.push(fieldCause('FieldValueInvalid', path, `${path} in body should be at least ${s.minLength} chars long`, v));
    if (s.maxLength !== undefined && v.length > s.maxLength) out.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${s.maxLength} bytes`, field: path });
    if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) out.push(fieldCause('FieldValueInvalid', path, `${path} in body should match '${s.pattern}'`, v));
  }
  if (Array.isArray(v) && s.items) v.forEach((item, i) => check(item, s.items!, `${path}[${i}]`, out));
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (o[r] === undefined) out.push(fieldCause('FieldValueRequired', path ? `${path}.${r}` : r, ''));
    for (const [k, child] of Object.entries(o)) {
      const sub = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (sub) check(child, sub, path ? `${path}.${k}` : k, out);
    }
  }
}

/** Validates a custom resource against its CRD version's schema (metadata, apiVersion and kind excepted). */
export function validateCustom(store: ObjectStore, t: ResourceType, obj: KubeObject, version: string): void {
  if (t.builtIn) return;
  const crd = store.get({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }, undefined, `${t.resource}.${t.group}`);
  const schema = (crd?.spec as CrdSpec | undefined)?.versions?.find((v) => v.name === version)?.schema?.openAPIV3Schema as Schema | undefined;
  if (!schema) return;
  const { metadata: _m, apiVersion: _a, kind: _k, ...body } = obj;
  const causes: StatusCause[] = [];
  const rootSchema: Schema = { ...schema, required: (schema.required ?? []).filter((r) => !['metadata', 'apiVersion', 'kind'].includes(r)) };
  check(body, rootSchema, '', causes);
  if (causes.length) throw invalid(t.kind, t.group, obj.metadata.name ?? '', causes);
}

/** A CRD's name must be `<plural>.<group>`. */
export function validateCrd(obj: KubeObject): void {
  const spec = obj.spec as Partial<CrdSpec> | undefined;
  const expected = `${spec?.names?.plural ?? ''}.${spec?.group ?? ''}`;
  if (obj.metadata.name !== expected) {
    throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', obj.metadata.name ?? '', [fieldCause('FieldValueInvalid', 'metadata.name', 'must be spec.names.plural+"."+spec.group', obj.metadata.name)]);
  }
}
