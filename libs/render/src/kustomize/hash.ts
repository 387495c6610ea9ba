// The content-hash suffix kustomize appends to generated ConfigMaps and Secrets (api/hasher), computed on the final object.
import { isObject } from '../objects.js';
import type { Resource } from '../resource.js';
import { setName } from '../resource.js';
import type { JsonValue } from '../types.js';
import { formatNumber } from '../yaml/scalars.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** encoding/json's Marshal: sorted keys, Go's string escaping (HTML-safe, U+2028/2029 escaped). */
export function goJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(v);
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(v[k] as JsonValue)}`).join(',')}}`;
}

function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function encode(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => map[c] ?? c).join('');
}

function field(v: JsonValue | undefined): JsonValue {
  if (v === undefined || v === null) return '';
  return v;
}

export function contentHash(r: Resource): string {
  const o = r.obj;
  let m: { [k: string]: JsonValue };
  if (o.kind === 'ConfigMap') {
    // kustomize looks the name up with a slash path kyaml does not split, so the name it hashes is always empty.
    m = { kind: 'ConfigMap', name: '', data: field(o.data) };
    if (isObject(o.binaryData)) m.binaryData = o.binaryData;
  } else {
    m = { kind: 'Secret', type: field(o.type), name: '', data: field(o.data) };
    if (isObject(o.stringData)) m.stringData = o.stringData;
  }
  return encode(bytesToHex(sha256(new TextEncoder().encode(goJson(m)))));
}

export function appendHashes(resources: Resource[]): void {
  for (const r of resources) {
    if (r.generated?.hash !== true) continue;
    setName(r, `${r.obj.metadata.name}-${contentHash(r)}`);
  }
}
