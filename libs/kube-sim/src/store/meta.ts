// Object metadata rules the apiserver applies to every kind: name formats, label syntax, and immutable snapshots.

import type { StatusCause } from '../errors/index.js';
import { fieldCause, invalid } from '../errors/index.js';
import type { KubeObject, ResourceType } from '../types/index.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1123_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Which name rule a kind uses, as in each kind's ValidateXName in k8s.io/kubernetes/pkg/apis/.../validation. */
function nameRule(t: ResourceType): 'subdomain' | 'label' | 'dns1035' | 'segment' {
  if (t.group === '' && t.resource === 'namespaces') return 'label';
  if (t.group === '' && t.resource === 'services') return 'dns1035';
  if (t.group === 'rbac.authorization.k8s.io') return 'segment';
  return 'subdomain';
}

export function nameProblems(t: ResourceType, name: string, field = 'metadata.name'): StatusCause[] {
  const rule = nameRule(t);
  if (rule === 'segment') {
    if (name === '.' || name === '..') return [fieldCause('FieldValueInvalid', field, `may not be '${name}'`, name)];
    if (/[/%]/.test(name)) return [fieldCause('FieldValueInvalid', field, `may not contain '${name.includes('/') ? '/' : '%'}'`, name)];
    return [];
  }
  const causes: StatusCause[] = [];
  const max = rule === 'subdomain' ? 253 : 63;
  if (name.length > max) causes.push(fieldCause('FieldValueInvalid', field, `must be no more than ${max} characters`, name));
  const [re, msg] = rule === 'subdomain' ? [SUBDOMAIN, SUBDOMAIN_MSG] : rule === 'label' ? [LABEL_1123, LABEL_1123_MSG] : [LABEL_1035, LABEL_1035_MSG];
  if (!re.test(name)) causes.push(fieldCause('FieldValueInvalid', field, msg, name));
  return causes;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function keyProblems(key: string, field: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const bad = (slash >= 0 && (!SUBDOMAIN.test(prefix) || prefix.length > 253)) || name.length > 63 || !QUALIFIED_NAME.test(name);
  return bad ? [fieldCause('FieldValueInvalid', field, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')", key)] : [];
}

/** Validates ObjectMeta of a new or updated object; throws the 422 Invalid Status listing every problem. */
export function validateMeta(t: ResourceType, obj: KubeObject): void {
  const m = obj.metadata;
  const causes: StatusCause[] = [];
  if (!m.name) causes.push(fieldCause('FieldValueRequired', 'metadata.name', 'name or generateName is required'));
  else causes.push(...nameProblems(t, m.name));
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    causes.push(...keyProblems(k, 'metadata.labels'));
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push(fieldCause('FieldValueInvalid', 'metadata.labels', "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", v));
    }
  }
  for (const k of Object.keys(m.annotations ?? {})) causes.push(...keyProblems(k, 'metadata.annotations'));
  if (causes.length) throw invalid(t.kind, t.group, m.name ?? '', causes);
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` + 5 random characters, like names.SimpleNameGenerator. */
export function generateName(prefix: string): string {
  let s = prefix.slice(0, 58);
  for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A mutable deep copy of a (possibly frozen) JSON object. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Everything except metadata and status: what generation tracks. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
