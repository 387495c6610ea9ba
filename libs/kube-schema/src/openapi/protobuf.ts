// The OpenAPI v2 document in the protobuf form kubectl asks /openapi/v2 for (Accept:
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf): gnostic's openapi.v2.Document, encoded by hand.
// Vendor extensions and free-form values travel as YAML text in gnostic's Any; JSON is valid YAML, so they are JSON.
import type { JsonObject, JsonValue } from '../types.js';

/** The media type kube-apiserver answers with for the protobuf OpenAPI v2 document. */
export const OPENAPI_V2_PROTOBUF_MEDIA_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const utf8 = new TextEncoder();

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * A protobuf message under construction. Nested messages are kept as children and written once at the end into one
 * buffer, so deep nesting costs no copying; small fields accumulate in a plain byte array.
 */
class Writer {
  private readonly parts: (number[] | Uint8Array | Writer)[] = [];
  private pending: number[] = [];
  size = 0;

  private flush(): void {
    if (this.pending.length > 0) {
      this.parts.push(this.pending);
      this.pending = [];
    }
  }

  private byte(b: number): void {
    this.pending.push(b);
    this.size++;
  }

  private smallVarint(value: number): void {
    let v = value >>> 0;
    while (v >= 0x80) {
      this.byte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.byte(v);
  }

  private varint(value: number): void {
    if (value >= 0 && value < 2 ** 31) {
      this.smallVarint(value);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.smallVarint((field << 3) | wireType);
  }

  private raw(bytes: Uint8Array): void {
    this.flush();
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private writeString(field: number, value: string): void {
    if (isAscii(value)) {
      this.tag(field, 2);
      this.smallVarint(value.length);
      for (let i = 0; i < value.length; i++) this.pending.push(value.charCodeAt(i));
      this.size += value.length;
      return;
    }
    const bytes = utf8.encode(value);
    this.tag(field, 2);
    this.smallVarint(bytes.length);
    this.raw(bytes);
  }

  string(field: number, value: string | undefined): this {
    if (value !== undefined && value !== '') this.writeString(field, value);
    return this;
  }

  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.writeString(field, v);
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (value) this.boolAlways(field, true);
    return this;
  }

  /** A oneof member is present even when false. */
  boolAlways(field: number, value: boolean): this {
    this.tag(field, 0);
    this.byte(value ? 1 : 0);
    return this;
  }

  int64(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.tag(field, 1);
    this.raw(bytes);
    return this;
  }

  message(field: number, inner: Writer | undefined): this {
    return inner && inner.size > 0 ? this.messageAlways(field, inner) : this;
  }

  /** Even when empty: presence matters for oneof members and repeated entries. */
  messageAlways(field: number, inner: Writer): this {
    this.tag(field, 2);
    this.smallVarint(inner.size);
    this.flush();
    this.parts.push(inner);
    this.size += inner.size;
    return this;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    this.writeInto(out, 0);
    return out;
  }

  private writeInto(out: Uint8Array, offset: number): number {
    this.flush();
    let at = offset;
    for (const part of this.parts) {
      if (part instanceof Writer) at = part.writeInto(out, at);
      else {
        out.set(part, at);
        at += part.length;
      }
    }
    return at;
  }
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function bool(v: JsonValue | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function anyOf(value: JsonValue): Writer {
  return new Writer().string(2, JSON.stringify(value));
}

function vendorExtensions(w: Writer, field: number, o: JsonObject): void {
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-')) w.messageAlways(field, new Writer().string(1, k).message(2, anyOf(v)));
  }
}

function schema(o: JsonObject): Writer {
  const w = new Writer()
    .string(1, str(o['$ref']))
    .string(2, str(o['format']))
    .string(3, str(o['title']))
    .string(4, str(o['description']));
  if (o['default'] !== undefined) w.message(5, anyOf(o['default']));
  w.double(6, num(o['multipleOf']))
    .double(7, num(o['maximum']))
    .bool(8, bool(o['exclusiveMaximum']))
    .double(9, num(o['minimum']))
    .bool(10, bool(o['exclusiveMinimum']))
    .int64(11, num(o['maxLength']))
    .int64(12, num(o['minLength']))
    .string(13, str(o['pattern']))
    .int64(14, num(o['maxItems']))
    .int64(15, num(o['minItems']))
    .bool(16, bool(o['uniqueItems']))
    .int64(17, num(o['maxProperties']))
    .int64(18, num(o['minProperties']));
  const required = o['required'];
  if (Array.isArray(required)) w.strings(19, required.filter((r): r is string => typeof r === 'string'));
  const enumValues = o['enum'];
  if (Array.isArray(enumValues)) for (const e of enumValues) w.messageAlways(20, anyOf(e));
  const additional = o['additionalProperties'];
  if (isObject(additional)) w.message(21, new Writer().message(1, schema(additional)));
  else if (typeof additional === 'boolean') w.messageAlways(21, new Writer().boolAlways(2, additional));
  const type = o['type'];
  if (typeof type === 'string') w.message(22, new Writer().string(1, type));
  else if (Array.isArray(type)) w.message(22, new Writer().strings(1, type.filter((t): t is string => typeof t === 'string')));
  const items = o['items'];
  if (isObject(items)) w.message(23, new Writer().message(1, schema(items)));
  else if (Array.isArray(items)) {
    const list = new Writer();
    for (const i of items) if (isObject(i)) list.messageAlways(1, schema(i));
    w.message(23, list);
  }
  const allOf = o['allOf'];
  if (Array.isArray(allOf)) for (const s of allOf) if (isObject(s)) w.messageAlways(24, schema(s));
  const properties = o['properties'];
  if (isObject(properties)) {
    const props = new Writer();
    for (const [name, s] of Object.entries(properties)) {
      if (isObject(s)) props.messageAlways(1, new Writer().string(1, name).messageAlways(2, schema(s)));
    }
    w.messageAlways(25, props);
  }
  w.string(26, str(o['discriminator'])).bool(27, bool(o['readOnly']));
  if (o['example'] !== undefined) w.message(30, anyOf(o['example']));
  vendorExtensions(w, 31, o);
  return w;
}

function parameter(p: JsonObject): Writer {
  if (typeof p['$ref'] === 'string') return new Writer().message(2, new Writer().string(1, p['$ref']));
  if (p['in'] === 'body') {
    const body = new Writer()
      .string(1, str(p['description']))
      .string(2, str(p['name']))
      .string(3, 'body')
      .bool(4, bool(p['required']));
    if (isObject(p['schema'])) body.message(5, schema(p['schema']));
    vendorExtensions(body, 6, p);
    return new Writer().messageAlways(1, new Writer().messageAlways(1, body));
  }
  // Query, path and header sub-schemas share their first fields; query has allowEmptyValue at 5, shifting the rest.
  const where = str(p['in']) ?? 'query';
  const shift = where === 'query' ? 1 : 0;
  const sub = new Writer()
    .bool(1, bool(p['required']))
    .string(2, where)
    .string(3, str(p['description']))
    .string(4, str(p['name']));
  if (shift) sub.bool(5, bool(p['allowEmptyValue']));
  sub.string(5 + shift, str(p['type'])).string(6 + shift, str(p['format']));
  sub.bool(19 + shift, bool(p['uniqueItems']));
  vendorExtensions(sub, 22 + shift, p);
  const oneof = where === 'path' ? 4 : where === 'header' ? 1 : 3;
  return new Writer().messageAlways(1, new Writer().messageAlways(2, new Writer().messageAlways(oneof, sub)));
}

function operation(o: JsonObject): Writer {
  const w = new Writer();
  const strings = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  w.strings(1, strings(o['tags'])).string(2, str(o['summary'])).string(3, str(o['description'])).string(5, str(o['operationId']));
  w.strings(6, strings(o['produces'])).strings(7, strings(o['consumes']));
  const params = o['parameters'];
  if (Array.isArray(params)) for (const p of params) if (isObject(p)) w.messageAlways(8, parameter(p));
  const responses = o['responses'];
  if (isObject(responses)) {
    const r = new Writer();
    for (const [code, value] of Object.entries(responses)) {
      if (!isObject(value)) continue;
      const response = new Writer().string(1, str(value['description']));
      if (isObject(value['schema'])) response.message(2, new Writer().message(1, schema(value['schema'])));
      r.messageAlways(1, new Writer().string(1, code).messageAlways(2, new Writer().messageAlways(1, response)));
    }
    w.message(9, r);
  }
  w.strings(10, strings(o['schemes'])).bool(11, bool(o['deprecated']));
  vendorExtensions(w, 13, o);
  return w;
}

const METHODS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(item: JsonObject): Writer {
  const w = new Writer();
  for (const [method, field] of Object.entries(METHODS)) {
    const op = item[method];
    if (isObject(op)) w.message(field, operation(op));
  }
  const params = item['parameters'];
  if (Array.isArray(params)) for (const p of params) if (isObject(p)) w.messageAlways(9, parameter(p));
  vendorExtensions(w, 10, item);
  return w;
}

/** Encodes a swagger 2.0 document (such as openApiV2Document's) as gnostic's openapi.v2.Document protobuf. */
export function openApiV2Protobuf(doc: JsonObject): Uint8Array {
  const w = new Writer().string(1, str(doc['swagger']));
  const info = doc['info'];
  if (isObject(info)) w.message(2, new Writer().string(1, str(info['title'])).string(2, str(info['version'])));
  const paths = doc['paths'];
  if (isObject(paths)) {
    const p = new Writer();
    for (const [name, item] of Object.entries(paths)) if (isObject(item)) p.messageAlways(2, new Writer().string(1, name).messageAlways(2, pathItem(item)));
    w.messageAlways(8, p);
  }
  const definitions = doc['definitions'];
  if (isObject(definitions)) {
    const d = new Writer();
    for (const [name, s] of Object.entries(definitions)) if (isObject(s)) d.messageAlways(1, new Writer().string(1, name).messageAlways(2, schema(s)));
    w.messageAlways(9, d);
  }
  const security = doc['security'];
  if (Array.isArray(security)) {
    for (const requirement of security) {
      if (!isObject(requirement)) continue;
      const r = new Writer();
      for (const [name, scopes] of Object.entries(requirement)) {
        const list = Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
        r.messageAlways(1, new Writer().string(1, name).messageAlways(2, new Writer().strings(1, list)));
      }
      w.messageAlways(12, r);
    }
  }
  const securityDefinitions = doc['securityDefinitions'];
  if (isObject(securityDefinitions)) {
    const s = new Writer();
    for (const [name, def] of Object.entries(securityDefinitions)) {
      if (!isObject(def) || def['type'] !== 'apiKey') continue;
      const apiKey = new Writer().string(1, 'apiKey').string(2, str(def['name'])).string(3, str(def['in'])).string(4, str(def['description']));
      s.messageAlways(1, new Writer().string(1, name).messageAlways(2, new Writer().messageAlways(2, apiKey)));
    }
    w.message(13, s);
  }
  vendorExtensions(w, 16, doc);
  return w.bytes();
}
