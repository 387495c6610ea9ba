// kustomize's replacements: copy one field of one source object into fields of the selected targets, with kustomize's
// field paths (`a.b.[name=x].c`, `*`, list indexes), delimiter/index options and create.
import { RenderError, atLine } from '../errors.js';
import { deepClone, isObject, setOwn } from '../objects.js';
import { gvkOf } from '../order.js';
import type { Resource } from '../resource.js';
import { describe } from '../resource.js';
import { joinInside } from '../tree/paths.js';
import type { JsonObject, JsonValue } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { lineOf } from '../yaml/positions.js';
import { matchesLabels, parseLabelSelector } from '@flotilla/kube-schema';
import type { BuildContext } from './build.js';

interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

interface FieldOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

interface Replacement {
  source: Selector & { fieldPath: string; options: FieldOptions };
  targets: { select: Selector; reject: Selector[]; fieldPaths: string[]; options: FieldOptions }[];
  line: number | undefined;
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function fail(message: string, file: string, line: number | undefined): never {
  throw new RenderError('InvalidArgument', message, { file, line });
}

/** Keys are matched in any case, as kustomize's JSON decoding of its own file does. */
function field(o: JsonObject, name: string): JsonValue | undefined {
  const key = Object.keys(o).filter((k) => k.toLowerCase() === name.toLowerCase()).sort().pop();
  return key === undefined ? undefined : o[key];
}

function selector(v: JsonValue | undefined, what: string, file: string, line: number | undefined): Selector {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return fail(`${what} must be a mapping`, file, line);
  const s: Selector = {};
  for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const x = field(v, k);
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') fail(`${what}.${k} must be a string`, file, lineOf(v, k) ?? line);
    if (x !== '') s[k] = x;
  }
  return s;
}

function options(v: JsonValue | undefined, what: string, file: string, line: number | undefined): FieldOptions {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return fail(`${what} must be a mapping`, file, line);
  const o: FieldOptions = {};
  const d = field(v, 'delimiter');
  if (typeof d === 'string' && d !== '') o.delimiter = d;
  const i = field(v, 'index');
  if (typeof i === 'number' && Number.isInteger(i)) o.index = i;
  else if (i !== undefined && i !== null) fail(`${what}.index must be an integer`, file, line);
  if (field(v, 'create') === true) o.create = true;
  return o;
}

function parseOne(v: JsonValue, what: string, file: string, line: number | undefined): Replacement {
  if (!isObject(v)) return fail(`${what} must be a mapping`, file, line);
  const src = field(v, 'source');
  if (!isObject(src)) return fail(`${what}.source is required`, file, line);
  const fieldPath = str(field(src, 'fieldPath')) || 'metadata.name';
  const source = { ...selector(src, `${what}.source`, file, line), fieldPath, options: options(field(src, 'options'), `${what}.source.options`, file, line) };
  const rawTargets = field(v, 'targets');
  if (!Array.isArray(rawTargets)) return fail(`${what}.targets must be a list`, file, line);
  const targets = rawTargets.map((t, i) => {
    const w = `${what}.targets[${i}]`;
    if (!isObject(t)) return fail(`${w} must be a mapping`, file, line);
    const paths = field(t, 'fieldPaths');
    const fieldPaths = Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : ['metadata.name'];
    const reject = field(t, 'reject');
    return {
      select: selector(field(t, 'select'), `${w}.select`, file, line),
      reject: Array.isArray(reject) ? reject.map((r, j) => selector(r, `${w}.reject[${j}]`, file, line)) : [],
      fieldPaths,
      options: options(field(t, 'options'), `${w}.options`, file, line),
    };
  });
  return { source, targets, line };
}

/** The replacements a kustomization lists: inline ones, and `path:` entries naming a file of one or a list of them. */
export function loadReplacements(ctx: BuildContext, list: JsonValue[], dir: string, kfile: string): Replacement[] {
  const out: Replacement[] = [];
  list.forEach((entry, i) => {
    const line = lineOf(list, i);
    const path = isObject(entry) ? str(field(entry, 'path')) : undefined;
    if (path === undefined) {
      out.push(parseOne(entry, `replacements[${i}]`, kfile, line));
      return;
    }
    const file = atLine(kfile, line, () => {
      const p = joinInside(dir, path, kfile);
      ctx.reader.checkFileWithin(dir, p, kfile);
      return p;
    });
    const text = atLine(kfile, line, () => ctx.reader.readText(file, kfile));
    for (const doc of decodeDocuments(text, file, ctx.limits.maxAliasExpansions)) {
      const items = Array.isArray(doc.value) ? doc.value : [doc.value];
      items.forEach((item, j) => out.push(parseOne(item, `replacement ${j}`, file, lineOf(items, j) ?? doc.line)));
    }
  });
  return out;
}

function selected(r: Resource, s: Selector): boolean {
  const g = gvkOf(r.obj);
  if (s.group !== undefined && s.group !== g.group) return false;
  if (s.version !== undefined && s.version !== g.version) return false;
  // Any id the object has had (kustomize's MakeResIds: the current one and the previous ones).
  const byId = r.ids.some(
    (id) => (s.kind === undefined || s.kind === id.kind) && (s.name === undefined || s.name === id.name) && (s.namespace === undefined || s.namespace === id.namespace),
  );
  if (!byId) return false;
  for (const [sel, map] of [
    [s.labelSelector, r.obj.metadata.labels],
    [s.annotationSelector, r.obj.metadata.annotations],
  ] as const) {
    if (sel === undefined) continue;
    const parsed = parseLabelSelector(sel, { validate: false, skipEmpty: true });
    if (!parsed.ok) return false;
    const m: Record<string, string> = isObject(map) ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)])) : {};
    if (!matchesLabels(parsed.selector, m)) return false;
  }
  return true;
}

/** `a.b.[name=x].c` into segments; dots inside brackets do not split. */
function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of path) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

interface Location {
  parent: JsonObject | JsonValue[];
  key: string | number;
}

function locate(node: JsonValue | undefined, segs: string[], create: boolean, out: Location[], parent?: Location): void {
  if (segs.length === 0) {
    if (parent !== undefined) out.push(parent);
    return;
  }
  const [seg, ...rest] = segs as [string, ...string[]];
  const listMatch = /^\[([^=\]]+)=([^\]]*)\]$/.exec(seg);
  if (seg === '*') {
    if (Array.isArray(node)) node.forEach((el, i) => locate(el, rest, create, out, { parent: node, key: i }));
    else if (isObject(node)) for (const k of Object.keys(node)) locate(node[k], rest, create, out, { parent: node, key: k });
    return;
  }
  if (listMatch !== null) {
    if (!Array.isArray(node)) return;
    const [, k, v] = listMatch as unknown as [string, string, string];
    let hits = 0;
    node.forEach((el, i) => {
      if (isObject(el) && el[k] !== undefined && String(el[k]) === v) {
        hits++;
        locate(el, rest, create, out, { parent: node, key: i });
      }
    });
    if (hits === 0 && create) {
      const el: JsonObject = {};
      setOwn(el, k, v);
      node.push(el);
      locate(el, rest, create, out, { parent: node, key: node.length - 1 });
    }
    return;
  }
  if (Array.isArray(node) && /^\d+$/.test(seg)) {
    const i = Number(seg);
    if (i < node.length) locate(node[i], rest, create, out, { parent: node, key: i });
    return;
  }
  if (!isObject(node)) return;
  let child = node[seg];
  if ((child === undefined || child === null) && create && rest.length > 0) {
    child = /^\[/.test(rest[0] as string) ? [] : {};
    setOwn(node, seg, child);
  }
  if (child === undefined && !(create && rest.length === 0)) return;
  locate(child, rest, create, out, { parent: node, key: seg });
}

function get(loc: Location): JsonValue | undefined {
  return Array.isArray(loc.parent) ? loc.parent[loc.key as number] : loc.parent[loc.key as string];
}

function put(loc: Location, v: JsonValue): void {
  if (Array.isArray(loc.parent)) loc.parent[loc.key as number] = v;
  else setOwn(loc.parent, loc.key as string, v);
}

function scalarText(v: JsonValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return undefined;
}

/** kustomize's setFieldValue: a scalar target keeps its type and takes the source's text; others take the whole value. */
function setValue(loc: Location, value: JsonValue, opts: FieldOptions, file: string, line: number | undefined): void {
  const current = get(loc);
  let v = deepClone(value);
  if (opts.delimiter !== undefined) {
    const text = scalarText(v);
    if (text === undefined) fail('delimiter option can only be used with scalar nodes', file, line);
    const parts = (scalarText(current ?? '') ?? '').split(opts.delimiter);
    const index = opts.index ?? 0;
    if (index < 0) parts.unshift(text);
    else if (index >= parts.length) parts.push(text);
    else parts[index] = text;
    v = parts.join(opts.delimiter);
  }
  if (current !== undefined && current !== null && typeof current !== 'object') {
    const text = scalarText(v);
    if (text !== undefined) {
      if (typeof current === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) v = Number(text);
      else if (typeof current === 'boolean' && (text === 'true' || text === 'false')) v = text === 'true';
      else v = text;
    }
  }
  put(loc, v);
}

function sourceValue(resources: Resource[], rep: Replacement, file: string): JsonValue {
  const s = rep.source;
  const found = resources.filter((r) => selected(r, s));
  const what = `${s.kind ?? ''} ${s.name ?? ''}`.trim() || 'the source selector';
  if (found.length === 0) throw new RenderError('NotFound', `replacement source: nothing selected by ${what} (fieldPath ${s.fieldPath})`, { file, line: rep.line });
  if (found.length > 1) fail(`replacement source: multiple matches for ${what}: ${found.map(describe).join(', ')}`, file, rep.line);
  const src = found[0] as Resource;
  const locs: Location[] = [];
  locate(src.obj, splitPath(s.fieldPath), false, locs);
  const loc = locs[0];
  const value = loc === undefined ? undefined : get(loc);
  if (value === undefined) throw new RenderError('NotFound', `fieldPath \`${s.fieldPath}\` is missing for replacement source ${describe(src)}`, { file, line: rep.line });
  if (s.options.delimiter !== undefined) {
    const parts = (scalarText(value) ?? '').split(s.options.delimiter);
    const index = s.options.index ?? 0;
    if (index < 0 || index >= parts.length) fail(`options.index ${index} is out of bounds for value ${scalarText(value) ?? ''}`, file, rep.line);
    return parts[index] as string;
  }
  return value;
}

export function applyReplacements(resources: Resource[], reps: Replacement[], file: string): void {
  for (const rep of reps) {
    const value = sourceValue(resources, rep, file);
    for (const t of rep.targets) {
      for (const r of resources) {
        if (!selected(r, t.select) || t.reject.some((rj) => selected(r, rj))) continue;
        for (const fp of t.fieldPaths) {
          const locs: Location[] = [];
          locate(r.obj, splitPath(fp), t.options.create === true, locs);
          if (locs.length === 0) fail(`unable to find field "${fp}" in replacement target ${describe(r)}`, file, rep.line);
          for (const loc of locs) setValue(loc, value, t.options, file, rep.line);
        }
      }
    }
  }
}
