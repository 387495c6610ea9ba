// /openapi/v2 and /openapi/v3 documents from @flotilla/kube-schema: the built-in kinds plus every established
// CRD's versions. Documents are cached per process by the set of CRD schemas, so identical clusters share them.

import type { CustomResourceSchema, JsonObject } from '@flotilla/kube-schema';
import { openApiV2Document, openApiV2Protobuf, openApiV3Document, openApiV3Index } from '@flotilla/kube-schema';
import type { CrdSpec } from '../crd/index.js';
import type { ObjectStore } from '../store/index.js';
import type { KubeObject } from '../types/index.js';

const CRD_REF = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
const MAX_CACHED = 32;
const cache = new Map<string, string>();

function established(crd: KubeObject): boolean {
  const conditions = (crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

export function customSchemas(store: ObjectStore): CustomResourceSchema[] {
  const out: CustomResourceSchema[] = [];
  for (const crd of store.list(CRD_REF).items) {
    if (!established(crd) || crd.metadata.deletionTimestamp) continue;
    const spec = crd.spec as CrdSpec;
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      const s: { -readonly [K in keyof CustomResourceSchema]: CustomResourceSchema[K] } = {
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        plural: spec.names.plural,
        namespaced: spec.scope !== 'Cluster',
        schema: (v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as JsonObject,
      };
      if (spec.names.listKind) s.listKind = spec.names.listKind;
      if (v.subresources) {
        s.subresources = { status: !!v.subresources.status, ...(v.subresources.scale ? { scale: v.subresources.scale } : {}) };
      }
      out.push(s);
    }
  }
  return out;
}

function cached(key: string, build: () => unknown): string | undefined {
  let text = cache.get(key);
  if (text === undefined) {
    const doc = build();
    if (doc === undefined) return undefined;
    text = JSON.stringify(doc);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, text);
  }
  return text;
}

export function openApiV2(store: ObjectStore): string {
  const custom = customSchemas(store);
  return cached(`v2|${JSON.stringify(custom)}`, () => openApiV2Document(custom))!;
}

const protoCache = new Map<string, Buffer>();

/** The v2 document in the protobuf form kubectl's client-side validation asks for. */
export function openApiV2Proto(store: ObjectStore): Buffer {
  const custom = customSchemas(store);
  const key = JSON.stringify(custom);
  let bytes = protoCache.get(key);
  if (!bytes) {
    bytes = Buffer.from(openApiV2Protobuf(openApiV2Document(custom)));
    if (protoCache.size >= MAX_CACHED) protoCache.delete(protoCache.keys().next().value!);
    protoCache.set(key, bytes);
  }
  return bytes;
}

export function openApiV3(store: ObjectStore, subpath: string): string | undefined {
  const custom = customSchemas(store);
  const key = JSON.stringify(custom);
  if (subpath === '') return cached(`v3i|${key}`, () => openApiV3Index(custom));
  return cached(`v3|${subpath}|${key}`, () => openApiV3Document(subpath, custom));
}
