// Drift as a value: what the API server answered when the agent applied an object, restricted to the fields the agent
// set (a flat map of field path -> value), compared with the live object. Server-side values on both sides, so
// canonical forms (quantities, defaults) never show up as drift.
import { toJsonText } from './json.js';

/** The fields the agent set on one object, as the API server stored them right after the apply. */
export interface Baseline {
  /** The applied (normalized, rendered) object as JSON text: a new commit that changes it is an update, not drift. */
  desired: string;
  /** Field path -> JSON text of the stored value; lists also record their stored length under `path[#]`. */
  fields: Record<string, string>;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const segment = (key: string) => (/^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

function at(value: unknown, keys: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined;
    else current = isMap(current) ? current[key] : undefined;
  }
  return current;
}

const text = (v: unknown) => (v === undefined ? 'undefined' : toJsonText(v));

function walk(desired: unknown, keys: Array<string | number>, path: string, visit: (path: string, keys: ReadonlyArray<string | number>, list: boolean) => void): void {
  if (Array.isArray(desired) && desired.length > 0) {
    visit(`${path}[#]`, keys, true);
    desired.forEach((item, i) => walk(item, [...keys, i], `${path}[${i}]`, visit));
  } else if (isMap(desired) && Object.keys(desired).length > 0) {
    for (const [key, value] of Object.entries(desired)) walk(value, [...keys, key], path === '' ? key : `${path}${segment(key)}`, visit);
  } else visit(path, keys, false);
}

/** The baseline of an applied object: `stored` is the API server's answer to the apply. */
export function baselineOf(desired: unknown, stored: unknown): Baseline {
  const fields: Record<string, string> = {};
  walk(desired, [], '', (path, keys, list) => {
    const value = at(stored, keys);
    fields[path] = list ? String(Array.isArray(value) ? value.length : -1) : text(value);
  });
  return { desired: toJsonText(desired), fields };
}

const skipped = new Set(['metadata.resourceVersion', 'metadata.generation', 'metadata.managedFields']);

/** The field paths whose live value is not what the agent applied, in the order they were applied. */
export function driftPaths(baseline: Baseline, live: unknown): string[] {
  const differing: string[] = [];
  for (const [path, expected] of Object.entries(baseline.fields)) {
    if (skipped.has(path)) continue;
    const keys = parsePath(path);
    const list = path.endsWith('[#]');
    const value = at(live, keys);
    const actual = list ? String(Array.isArray(value) ? value.length : -1) : text(value);
    if (actual !== expected) differing.push(list ? path.slice(0, -3) : path);
  }
  return [...new Set(differing)];
}

/** Inverse of the path format above: `spec.template.spec.containers[0].image`, `metadata.labels["app.x/y"]`, `a[#]`. */
function parsePath(path: string): Array<string | number> {
  const keys: Array<string | number> = [];
  const pattern = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\[#\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) keys.push(match[1]);
    else if (match[2] !== undefined) keys.push(Number(match[2]));
    else if (match[3] !== undefined) keys.push(JSON.parse(match[3]) as string);
  }
  return keys;
}
