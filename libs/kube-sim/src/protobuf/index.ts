// Reads the protobuf bodies kubectl's typed clients send (`kubectl auth can-i`, `kubectl create namespace|configmap|
// secret|serviceaccount`): the k8s envelope ("k8s\0" + runtime.Unknown{typeMeta, raw}) and those few messages.
// Field numbers from k8s.io/api/*/v1/generated.proto.

import { badRequest } from '../errors/index.js';

type Fields = Map<number, (Buffer | number)[]>;

export function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw badRequest('truncated protobuf body');
      const b = buf[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: Buffer | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      value = buf.subarray(i, i + 8);
      i += 8;
    } else if (wire === 5) {
      value = buf.subarray(i, i + 4);
      i += 4;
    } else throw badRequest('unsupported protobuf wire type');
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

function str(f: Fields, n: number): string | undefined {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function sub(f: Fields, n: number): Fields | undefined {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Opens the envelope: the object's apiVersion and kind, and its raw message fields. */
export function envelope(body: Buffer): { apiVersion: string; kind: string; fields: Fields } {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body without the k8s envelope');
  const unknown = fields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(raw)) throw badRequest('protobuf envelope without raw object');
  const typeMeta = sub(unknown, 1);
  return { apiVersion: (typeMeta && str(typeMeta, 1)) ?? '', kind: (typeMeta && str(typeMeta, 2)) ?? '', fields: fields(raw) };
}

function strings(f: Fields, n: number): string[] {
  return (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => b.toString('utf8'));
}

function map(f: Fields, n: number, binary = false): Record<string, string> | undefined {
  const entries = (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => fields(b));
  if (!entries.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const v = e.get(2)?.[0];
    out[str(e, 1) ?? ''] = Buffer.isBuffer(v) ? (binary ? v.toString('base64') : v.toString('utf8')) : '';
  }
  return out;
}

function bool(f: Fields, n: number): boolean | undefined {
  const v = f.get(n)?.[0];
  return typeof v === 'number' ? v !== 0 : undefined;
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

function objectMeta(f: Fields | undefined): Record<string, unknown> {
  if (!f) return {};
  const owners = (f.get(13) ?? []).filter(Buffer.isBuffer).map((b) => {
    const o = fields(b);
    return compact({ apiVersion: str(o, 5), kind: str(o, 1), name: str(o, 3), uid: str(o, 4), controller: bool(o, 6), blockOwnerDeletion: bool(o, 7) });
  });
  return compact({
    name: str(f, 1),
    generateName: str(f, 2),
    namespace: str(f, 3),
    resourceVersion: str(f, 6),
    labels: map(f, 11),
    annotations: map(f, 12),
    ownerReferences: owners,
    finalizers: strings(f, 14),
  });
}

const DECODERS: Record<string, (f: Fields) => Record<string, unknown>> = {
  ConfigMap: (f) => compact({ data: map(f, 2), binaryData: map(f, 3, true), immutable: bool(f, 4) }),
  Secret: (f) => compact({ data: map(f, 2, true), type: str(f, 3), stringData: map(f, 4), immutable: bool(f, 5) }),
  Namespace: (f) => {
    const spec = sub(f, 2);
    return spec ? compact({ spec: compact({ finalizers: strings(spec, 1) }) }) : {};
  },
  ServiceAccount: (f) => compact({ imagePullSecrets: (f.get(3) ?? []).filter(Buffer.isBuffer).map((b) => compact({ name: str(fields(b), 1) })), automountServiceAccountToken: bool(f, 4) }),
};

/** Whether kubectl's protobuf body for this core kind can be read here. */
export function canDecode(kind: string): boolean {
  return kind in DECODERS;
}

/** Decodes a protobuf Namespace, ConfigMap, Secret or ServiceAccount into its JSON form. */
export function decodeObject(body: Buffer): Record<string, unknown> {
  const env = envelope(body);
  const decode = DECODERS[env.kind];
  if (!decode) throw badRequest(`protobuf bodies for ${env.kind} are not supported by the simulator; send JSON`);
  return { apiVersion: env.apiVersion, kind: env.kind, metadata: objectMeta(sub(env.fields, 1)), ...decode(env.fields) };
}

/** Decodes a protobuf SelfSubjectAccessReview into its JSON form (spec only). */
export function decodeAccessReview(body: Buffer): unknown {
  const spec = sub(envelope(body).fields, 2);
  const out: Record<string, unknown> = {};
  const ra = spec && sub(spec, 1);
  if (ra) {
    const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
    out.resourceAttributes = Object.fromEntries(names.map((name, i) => [name, str(ra, i + 1) ?? '']));
  }
  const nra = spec && sub(spec, 2);
  if (nra) out.nonResourceAttributes = { path: str(nra, 1) ?? '', verb: str(nra, 2) ?? '' };
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: out };
}
