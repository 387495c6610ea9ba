// kustomize's `configurations`: files of custom field specs (name references, labels, annotations, images, replicas,
// var references) added to the builtin ones, for custom resources; they count from the kustomization that lists them up.
import { RenderError, atLine } from '../errors.js';
import { isObject } from '../objects.js';
import { joinInside } from '../tree/paths.js';
import type { JsonValue } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { keyLineOf, lineOf } from '../yaml/positions.js';
import type { BuildContext } from './build.js';
import { spec } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import type { NameReference } from './tables.js';

export interface CustomConfig {
  nameReference: NameReference[];
  commonLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
  varReference: FieldSpec[];
}

export function emptyConfig(): CustomConfig {
  return { nameReference: [], commonLabels: [], commonAnnotations: [], images: [], replicas: [], varReference: [] };
}

const LISTS = ['commonLabels', 'commonAnnotations', 'images', 'replicas', 'varReference'] as const;
const REFUSED = ['namePrefix', 'nameSuffix', 'namespace', 'templateLabels'];

function fieldSpecs(v: JsonValue | undefined, what: string, file: string, line: number | undefined): FieldSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RenderError('InvalidArgument', `${what} must be a list of field specs`, { file, line });
  return v.map((o, i) => {
    if (!isObject(o) || typeof o.path !== 'string') throw new RenderError('InvalidArgument', `${what}[${i}] needs a path`, { file, line: lineOf(v, i) ?? line });
    const opts: { group?: string; version?: string; create?: boolean } = {};
    if (typeof o.group === 'string') opts.group = o.group;
    if (typeof o.version === 'string') opts.version = o.version;
    if (o.create === true) opts.create = true;
    return spec(o.path, typeof o.kind === 'string' ? o.kind : undefined, opts);
  });
}

/** Reads the configuration files a kustomization lists into `into`. */
export function loadConfigurations(ctx: BuildContext, files: string[], dir: string, kfile: string, into: CustomConfig): void {
  files.forEach((entry, i) => {
    const entryLine = lineOf(files, i);
    const file = atLine(kfile, entryLine, () => {
      const p = joinInside(dir, entry, kfile);
      ctx.reader.checkFileWithin(dir, p, kfile);
      return p;
    });
    const text = atLine(kfile, entryLine, () => ctx.reader.readText(file, kfile));
    for (const doc of decodeDocuments(text, file, ctx.limits.maxAliasExpansions)) {
      const v = doc.value;
      if (!isObject(v)) throw new RenderError('InvalidArgument', 'a configurations file must be a mapping of field spec lists', { file, line: doc.line });
      for (const key of Object.keys(v)) {
        const line = keyLineOf(v, key) ?? doc.line;
        if (REFUSED.includes(key)) {
          throw new RenderError('Unimplemented', `configurations: custom ${key} field specs are not supported by the built-in engine; use the external engine`, { file, line });
        }
        if (key !== 'nameReference' && !(LISTS as readonly string[]).includes(key)) {
          throw new RenderError('InvalidArgument', `unknown field "${key}" in configurations file`, { file, line });
        }
      }
      for (const key of LISTS) into[key].push(...fieldSpecs(v[key], key, file, lineOf(v, key) ?? doc.line));
      const refs = v.nameReference;
      if (refs === undefined || refs === null) continue;
      if (!Array.isArray(refs)) throw new RenderError('InvalidArgument', 'nameReference must be a list', { file, line: lineOf(v, 'nameReference') ?? doc.line });
      refs.forEach((r, j) => {
        const line = lineOf(refs, j) ?? doc.line;
        if (!isObject(r) || typeof r.kind !== 'string') throw new RenderError('InvalidArgument', `nameReference[${j}] needs a kind`, { file, line });
        const ref: NameReference = { kind: r.kind, referrers: fieldSpecs(r.fieldSpecs, `nameReference[${j}].fieldSpecs`, file, line) };
        if (typeof r.group === 'string' && r.group !== '') ref.group = r.group;
        if (typeof r.version === 'string' && r.version !== '') ref.version = r.version;
        into.nameReference.push(ref);
      });
    }
  });
}
