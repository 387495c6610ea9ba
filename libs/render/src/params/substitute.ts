// Per-cluster parameters substituted into string values after the build, as Flux's post-build substitution does.
// Only the Flotilla namespaces are variables: ${cluster.name}, ${cluster.labels.<key>}, ${stage}, ${app}, each with an
// optional default (${stage:=dev}). Any other ${...} or $VAR (shell scripts in ConfigMaps) is left exactly as written;
// "$${cluster.name}" is an escape that yields the literal text "${cluster.name}".
import { RenderError } from '../errors.js';
import { setOwn } from '../objects.js';
import type { Origin } from '../objects.js';
import { positionOf } from '../yaml/positions.js';
import type { JsonObject, JsonValue, KubeObject, RenderParams } from '../types.js';

const VARIABLE = /\$(\$?)\{((?:cluster\.[A-Za-z0-9_.\-/]+)|stage|app)(?::=([^}]*))?\}/g;

function lookup(name: string, params: RenderParams): string | undefined {
  if (name === 'stage') return params.stage;
  if (name === 'app') return params.app;
  if (name === 'cluster.name') return params.cluster?.name || undefined; // an empty name counts as unset
  if (name.startsWith('cluster.labels.')) {
    const labels = params.cluster?.labels;
    const key = name.slice('cluster.labels.'.length);
    return labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
  }
  return undefined;
}

function substituteString(s: string, params: RenderParams, where: () => string, origin: Origin): string {
  if (!s.includes('${')) return s;
  return s.replace(VARIABLE, (whole: string, escape: string, name: string, def: string | undefined) => {
    if (escape === '$') return whole.slice(1);
    const v = lookup(name, params);
    if (v !== undefined) return v;
    if (def !== undefined) return def;
    throw new RenderError('InvalidArgument', `unknown variable \${${name}} at ${where()} (set it for the cluster or give a default: \${${name}:=value})`, {
      file: origin.file,
      line: origin.line,
    });
  });
}

/** `origin` is where the value itself was written: its own line when the decoder recorded one, else the object's. */
function walk(v: JsonValue, params: RenderParams, path: string, origin: Origin): JsonValue {
  if (typeof v === 'string') return substituteString(v, params, () => path, origin);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x, i) => walk(x, params, `${path}[${i}]`, positionOf(v, i) ?? origin));
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k, walk(x, params, path === '' ? k : `${path}.${k}`, positionOf(v, k) ?? origin));
  return out;
}

export function substituteParams(obj: KubeObject, params: RenderParams, origin: Origin): KubeObject {
  return walk(obj, params, '', origin) as KubeObject;
}
