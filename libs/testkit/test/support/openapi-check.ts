// Strict structural check of a manifest against the built-in Kubernetes OpenAPI v2 definitions from @flotilla/kube-schema:
// unknown fields, wrong types and missing required fields are errors, as with `kubectl --validate=strict`.
import { builtinDefinitions, findByKind } from '@flotilla/kube-schema';
import type { SchemaObject } from '@flotilla/kube-schema';

const REF_PREFIX = '#/definitions/';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

type Check = (value: unknown, path: string, errors: string[]) => void;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkRef(name: string, value: unknown, path: string, errors: string[]): void {
  // Both are serialized as either a number or a string, whatever the schema's declared type says.
  if (name === INT_OR_STRING || name === QUANTITY) {
    if (typeof value !== 'string' && typeof value !== 'number') errors.push(`${path}: expected an integer or a string`);
    return;
  }
  const schema = builtinDefinitions()[name];
  if (!schema) {
    errors.push(`${path}: schema ${name} is unknown`);
    return;
  }
  checkSchema(schema, value, path, errors);
}

function checkObject(schema: SchemaObject, value: unknown, path: string, errors: string[]): void {
  if (!isObject(value)) {
    errors.push(`${path}: expected an object`);
    return;
  }
  const props = schema['properties'];
  const additional = schema['additionalProperties'];
  if (isObject(props)) {
    for (const [key, v] of Object.entries(value)) {
      const sub = props[key];
      if (isObject(sub)) checkSchema(sub as SchemaObject, v, `${path}.${key}`, errors);
      else errors.push(`${path}: unknown field "${key}"`);
    }
  } else if (isObject(additional)) {
    for (const [key, v] of Object.entries(value)) checkSchema(additional as SchemaObject, v, `${path}.${key}`, errors);
  }
  const required = schema['required'];
  if (Array.isArray(required)) for (const r of required) if (typeof r === 'string' && !(r in value)) errors.push(`${path}: missing required field "${r}"`);
}

const scalarChecks: Record<string, Check> = {
  string: (v, p, e) => {
    if (typeof v !== 'string') e.push(`${p}: expected a string, got ${JSON.stringify(v)}`);
  },
  integer: (v, p, e) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) e.push(`${p}: expected an integer, got ${JSON.stringify(v)}`);
  },
  number: (v, p, e) => {
    if (typeof v !== 'number') e.push(`${p}: expected a number, got ${JSON.stringify(v)}`);
  },
  boolean: (v, p, e) => {
    if (typeof v !== 'boolean') e.push(`${p}: expected a boolean, got ${JSON.stringify(v)}`);
  },
};

function checkSchema(schema: SchemaObject, value: unknown, path: string, errors: string[]): void {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    checkRef(ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref, value, path, errors);
    return;
  }
  const type = schema['type'];
  if (type === 'object') return checkObject(schema, value, path, errors);
  if (type === 'array') {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected an array`);
    const items = schema['items'];
    if (isObject(items)) value.forEach((v, i) => checkSchema(items as SchemaObject, v, `${path}[${i}]`, errors));
    return;
  }
  if (typeof type === 'string') {
    scalarChecks[type]?.(value, path, errors);
    if (type === 'string' && schema['format'] === 'byte' && typeof value === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      errors.push(`${path}: expected base64 data`);
    }
  }
  // No type and no $ref (RawExtension, JSON): anything goes, as in the API server.
}

/** Errors for one manifest; empty when it is a built-in kind at a served apiVersion and matches its schema strictly. */
export function checkManifest(obj: unknown): string[] {
  if (!isObject(obj) || typeof obj['apiVersion'] !== 'string' || typeof obj['kind'] !== 'string') {
    return ['manifest: apiVersion and kind must be strings'];
  }
  const resource = findByKind(obj['apiVersion'], obj['kind']);
  if (!resource) return [`${obj['kind']}: no built-in resource serves kind ${obj['kind']} at ${obj['apiVersion']}`];
  const errors: string[] = [];
  checkRef(resource.definition, obj, obj['kind'], errors);
  return errors;
}
