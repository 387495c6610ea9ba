// Reads the protobuf bodies kubectl's typed clients send (`kubectl auth can-i`, `kubectl create namespace|configmap|
// secret|serviceaccount`): the k8s envelope ("k8s\0" + runtime.Unknown{typeMeta, raw}) and those few messages.
// Field numbers from k8s.io/api/*/v1/generated.proto.

import { ApiError, badRequest } from '../errors/index.js';

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
  return Buffer.isBuffer(v) && v.length ? v.toString('utf8') : undefined;
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

/** Refuses fields this reader does not know, rather than dropping them silently. */
function only(f: Fields, known: number[], what: string): Fields {
  for (const [n, values] of f) {
    // Go's generated marshalers write empty strings, zero numbers and empty structs too: those say nothing.
    const empty = values.every((v) => (Buffer.isBuffer(v) ? v.length === 0 : v === 0));
    if (!known.includes(n) && !empty) throw new ApiError(415, 'UnsupportedMediaType', `the simulator cannot read field ${n} of a protobuf ${what}; send the object as JSON`);
  }
  return f;
}

function int(f: Fields, n: number): number | undefined {
  const v = f.get(n)?.[0];
  return typeof v === 'number' ? v : undefined;
}

function messages(f: Fields, n: number): Fields[] {
  return (f.get(n) ?? []).filter(Buffer.isBuffer).map((b) => fields(b));
}

function labelSelector(f: Fields | undefined): Record<string, unknown> | undefined {
  if (!f) return undefined;
  only(f, [1, 2], 'LabelSelector');
  const expressions = messages(f, 2).map((e) => compact({ key: str(e, 1), operator: str(e, 2), values: strings(e, 3) }));
  return compact({ matchLabels: map(f, 1), matchExpressions: expressions });
}

function quantities(f: Fields, n: number): Record<string, string> | undefined {
  const entries = messages(f, n);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map((e) => [str(e, 1) ?? '', str(sub(e, 2) ?? new Map(), 1) ?? '']));
}

function container(f: Fields): Record<string, unknown> {
  only(f, [1, 2, 3, 4, 5, 6, 7, 8, 14], 'Container');
  const resources = sub(f, 8);
  return compact({
    name: str(f, 1),
    image: str(f, 2),
    command: strings(f, 3),
    args: strings(f, 4),
    workingDir: str(f, 5),
    ports: messages(f, 6).map((p) => compact({ name: str(only(p, [1, 2, 3, 4, 5], 'ContainerPort'), 1), hostPort: int(p, 2) || undefined, containerPort: int(p, 3), protocol: str(p, 4), hostIP: str(p, 5) })),
    env: messages(f, 7).map((e) => compact({ name: str(only(e, [1, 2], 'EnvVar'), 1), value: str(e, 2) })),
    resources: resources ? compact({ limits: quantities(only(resources, [1, 2], 'ResourceRequirements'), 1), requests: quantities(resources, 2) }) : undefined,
    imagePullPolicy: str(f, 14),
  });
}

function podTemplate(f: Fields | undefined): Record<string, unknown> | undefined {
  if (!f) return undefined;
  only(f, [1, 2], 'PodTemplateSpec');
  const spec = sub(f, 2);
  const podSpec = spec
    ? compact({
        containers: messages(only(spec, [2, 3, 4, 6, 8, 20], 'PodSpec'), 2).map(container),
        initContainers: messages(spec, 20).map(container),
        restartPolicy: str(spec, 3),
        terminationGracePeriodSeconds: int(spec, 4),
        dnsPolicy: str(spec, 6),
        serviceAccountName: str(spec, 8),
      })
    : undefined;
  return compact({ metadata: objectMeta(sub(f, 1)), spec: podSpec });
}

const DECODERS: Record<string, (f: Fields) => Record<string, unknown>> = {
  Deployment: (f) => {
    const spec = sub(f, 2);
    if (!spec) return {};
    only(spec, [1, 2, 3, 4, 5, 6, 7, 9], 'DeploymentSpec');
    const strategy = sub(spec, 4);
    return {
      spec: compact({
        replicas: int(spec, 1),
        selector: labelSelector(sub(spec, 2)),
        template: podTemplate(sub(spec, 3)),
        strategy: strategy ? compact({ type: str(only(strategy, [1], 'DeploymentStrategy'), 1) }) : undefined,
        minReadySeconds: int(spec, 5) || undefined,
        revisionHistoryLimit: int(spec, 6),
        paused: bool(spec, 7) || undefined,
        progressDeadlineSeconds: int(spec, 9),
      }),
    };
  },
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

/** Decodes a protobuf Namespace, ConfigMap, Secret, ServiceAccount or Deployment into its JSON form. */
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

/** Decodes a protobuf SelfSubjectRulesReview (spec.namespace only). */
export function decodeRulesReview(body: Buffer): unknown {
  const spec = sub(envelope(body).fields, 2);
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: (spec && str(spec, 1)) ?? '' } };
}

/** Decodes a protobuf TokenRequest (spec.audiences and spec.expirationSeconds). */
export function decodeTokenRequest(body: Buffer): unknown {
  const spec = sub(envelope(body).fields, 2);
  const out: Record<string, unknown> = {};
  if (spec) {
    const audiences = strings(spec, 1);
    if (audiences.length) out.audiences = audiences;
    const exp = int(spec, 4);
    if (exp) out.expirationSeconds = exp;
  }
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: out };
}
