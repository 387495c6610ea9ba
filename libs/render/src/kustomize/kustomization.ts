// Reads and validates a kustomization file into a typed value; unknown or remote things are refused with file and line.
import { RenderError } from '../errors.js';
import { isObject, setOwn } from '../objects.js';
import type { JsonObject, JsonValue } from '../types.js';
import type { VarDef } from './vars.js';
import { decodeDocuments } from '../yaml/decode.js';
import { copyKeyLine, copyPosition, copyPositions, isNonStringKey, keyLineOf, lineOf } from '../yaml/positions.js';

export interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface PatchEntry {
  path?: string;
  patch?: string;
  target?: Target;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
}

export interface GeneratorArgs {
  name: string;
  namespace?: string;
  behavior?: 'create' | 'merge' | 'replace';
  files?: string[];
  literals?: string[];
  envs?: string[];
  type?: string;
  options?: GeneratorOptions;
}

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface LabelEntry {
  pairs: Record<string, string>;
  includeSelectors: boolean;
  includeTemplates: boolean;
  fields?: FieldSpecInput[];
}

export interface FieldSpecInput {
  path: string;
  kind?: string;
  group?: string;
  version?: string;
  create?: boolean;
}

export interface Kustomization {
  file: string;
  isComponent: boolean;
  resources: string[];
  components: string[];
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels: Record<string, string>;
  labels: LabelEntry[];
  commonAnnotations: Record<string, string>;
  images: ImageEntry[];
  replicas: { name: string; count: number }[];
  patches: PatchEntry[];
  patchesStrategicMerge: string[];
  patchesJson6902: PatchEntry[];
  configMapGenerator: GeneratorArgs[];
  secretGenerator: GeneratorArgs[];
  generatorOptions?: GeneratorOptions;
  sortOrder?: 'legacy' | 'fifo';
  /** sortOptions.legacySortOptions: the kinds put first and last instead of kustomize's default lists. */
  legacyOrder?: { first: string[]; last: string[] };
  /** Replacement entries as written (validated when they run, with the file they came from). */
  replacements: JsonValue[];
  /** `generators:` and `transformers:` entries: files (or inline documents) of builtin plugin configurations. */
  generators: string[];
  transformers: string[];
  /** buildMetadata (only the app's own kustomization's counts, as in kustomize). */
  managedByLabel?: boolean;
  originAnnotations?: boolean;
  vars: VarDef[];
  configurations: string[];
}

const KNOWN_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'resources', 'bases', 'components', 'namespace', 'namePrefix', 'nameSuffix',
  'commonLabels', 'labels', 'commonAnnotations', 'images', 'replicas', 'patches', 'patchesStrategicMerge',
  'patchesJson6902', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'sortOptions', 'buildMetadata', 'imageTags', 'replacements',
  'generators', 'transformers', 'vars', 'configurations',
]);
const UNSUPPORTED_FIELDS: Record<string, string> = {
  helmCharts: 'helmCharts needs the external engine (engine: kustomize-binary)',
  helmChartInflationGenerator: 'helm needs the external engine (engine: kustomize-binary)',
  helmGlobals: 'helm needs the external engine (engine: kustomize-binary)',
  validators: 'validator plugins need the external engine (engine: kustomize-binary)',
  crds: 'crds are not supported by the built-in engine; use the external engine',
  openapi: 'openapi is not supported by the built-in engine; use the external engine',
};

/**
 * kustomize decodes its file through JSON into Go structs: a field name matches in any case (`nameprefix`), and of keys
 * naming one field the last in bytewise order wins (sigs.k8s.io/yaml sorts the keys it writes as JSON).
 */
function foldFields(o: JsonObject, names: readonly string[], strict?: { f: Fields; what: string }): JsonObject {
  const byFolded = new Map(names.map((n) => [n.toLowerCase(), n]));
  const out: JsonObject = {};
  for (const key of Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const known = byFolded.get(key.toLowerCase());
    // kustomize decodes with DisallowUnknownFields: "json: unknown field".
    if (known === undefined && strict !== undefined) strict.f.fail(`unknown field "${key}" in ${strict.what}`, keyLineOf(o, key) ?? lineOf(o, key));
    const name = known ?? key;
    if (name !== key && Object.prototype.hasOwnProperty.call(out, name)) delete out[name];
    setOwn(out, name, o[key] as JsonValue);
    copyPosition(o, key, out, name);
    copyKeyLine(o, key, out, name);
  }
  return out;
}

const TARGET_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'];
const PATCH_FIELDS = ['path', 'patch', 'target', 'options'];
const PATCH_OPTION_FIELDS = ['allowNameChange', 'allowKindChange'];
const GENERATOR_FIELDS = ['name', 'namespace', 'behavior', 'files', 'literals', 'envs', 'env', 'type', 'options'];
const GENERATOR_OPTION_FIELDS = ['labels', 'annotations', 'disableNameSuffixHash', 'immutable'];
const IMAGE_FIELDS = ['name', 'newName', 'newTag', 'digest'];
const REPLICA_FIELDS = ['name', 'count'];
const LABEL_FIELDS = ['pairs', 'includeSelectors', 'includeTemplates', 'fields'];
const FIELDSPEC_FIELDS = ['path', 'kind', 'group', 'version', 'create'];
const SORT_FIELDS = ['order', 'legacySortOptions'];

class Fields {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}
  fail(message: string, line: number | undefined = this.line): never {
    throw new RenderError('InvalidArgument', message, { file: this.file, line: line ?? this.line });
  }
  /**
   * kustomize unmarshals the kustomization into Go strings (via YAML 1.1): `x: y`, `x: on` and `x: 1.0` are a bool or a
   * number there and rejected, so they are here too rather than silently turned into text.
   */
  str(v: JsonValue | undefined, what: string, line?: number): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
      const type = typeof v === 'boolean' ? 'bool' : 'number';
      return this.fail(`${what} must be a string, but YAML reads ${String(v)} as a ${type} (quote the value)`, line);
    }
    return this.fail(`${what} must be a string`, line);
  }
  /** The result keeps each item's line (positionOf), for errors found later about one entry. */
  strList(v: JsonValue | undefined, what: string, line?: number): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(`${what} must be a list of strings`, line);
    const out = v.map((x, i) => {
      const itemLine = lineOf(v, i) ?? line;
      return this.str(x, `${what}[${i}]`, itemLine) ?? this.fail(`${what}[${i}] must be a string`, itemLine);
    });
    copyPositions(v, out);
    return out;
  }
  strMap(v: JsonValue | undefined, what: string, line?: number): Record<string, string> {
    if (v === undefined || v === null) return {};
    if (!isObject(v)) return this.fail(`${what} must be a map of strings`, line);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      // kustomize fails on these keys too (its YAML 1.1 reader makes them numbers or bools in the objects it builds).
      if (isNonStringKey(v, k)) this.fail(`${what} key ${k} must be a string, but YAML does not read it as one (quote the key)`, keyLineOf(v, k) ?? lineOf(v, k) ?? line);
      setOwn(out, k, this.str(x, `${what}.${k}`, lineOf(v, k) ?? line) ?? '');
    }
    return out;
  }
  bool(v: JsonValue | undefined, what: string, line?: number): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.fail(`${what} must be true or false`, line);
    return v;
  }
  obj(v: JsonValue | undefined, what: string, line?: number): JsonObject | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) return this.fail(`${what} must be a mapping`, line);
    return v;
  }
  list(v: JsonValue | undefined, what: string, line?: number): JsonValue[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(`${what} must be a list`, line);
    return v;
  }
  /** Field `key` of mapping `o` as a string, failing at the field's own line. */
  field(o: JsonObject, key: string, what: string, line?: number): string | undefined {
    return this.str(o[key], what, lineOf(o, key) ?? line);
  }
}

function target(f: Fields, v: JsonValue | undefined, what: string, line: number | undefined): Target | undefined {
  const raw = f.obj(v, what, line);
  if (raw === undefined) return undefined;
  const o = foldFields(raw, TARGET_FIELDS, { f, what });
  const t: Target = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const s = f.field(o, key, `${what}.${key}`, line);
    if (s !== undefined) t[key] = s;
  }
  copyPositions(o, t); // selectors are compiled later; an invalid one is reported at its own line
  return t;
}

function generatorOptions(f: Fields, v: JsonValue | undefined, what: string, line: number | undefined): GeneratorOptions | undefined {
  const raw = f.obj(v, what, line);
  if (raw === undefined) return undefined;
  const o = foldFields(raw, GENERATOR_OPTION_FIELDS, { f, what });
  const at = (key: string): number | undefined => lineOf(o, key) ?? line;
  const out: GeneratorOptions = {};
  if (o.labels !== undefined) out.labels = f.strMap(o.labels, `${what}.labels`, at('labels'));
  if (o.annotations !== undefined) out.annotations = f.strMap(o.annotations, `${what}.annotations`, at('annotations'));
  const d = f.bool(o.disableNameSuffixHash, `${what}.disableNameSuffixHash`, at('disableNameSuffixHash'));
  if (d !== undefined) out.disableNameSuffixHash = d;
  const im = f.bool(o.immutable, `${what}.immutable`, at('immutable'));
  if (im !== undefined) out.immutable = im;
  return out;
}

/** Each mapping of a list, with its line; the returned list keeps the items' lines (positionOf). */
function mappings(f: Fields, v: JsonValue | undefined, what: string, line: number | undefined, names: readonly string[]): { o: JsonObject; w: string; line: number | undefined }[] {
  const list = f.list(v, what, line);
  return list.map((x, i) => {
    const w = `${what}[${i}]`;
    const itemLine = lineOf(list, i) ?? line;
    return { o: foldFields(f.obj(x, w, itemLine) ?? f.fail(`${w} must be a mapping`, itemLine), names, { f, what: w }), w, line: itemLine };
  });
}

function keepLines<T extends object>(from: JsonValue | undefined, out: T[]): T[] {
  if (Array.isArray(from)) copyPositions(from, out);
  return out;
}

function generators(f: Fields, v: JsonValue | undefined, what: string, line: number | undefined): GeneratorArgs[] {
  const out = mappings(f, v, what, line, GENERATOR_FIELDS).map(({ o, w, line: itemLine }) => {
    const at = (key: string): number | undefined => lineOf(o, key) ?? itemLine;
    const behavior = f.field(o, 'behavior', `${w}.behavior`, itemLine);
    if (behavior !== undefined && behavior !== 'create' && behavior !== 'merge' && behavior !== 'replace' && behavior !== '') {
      f.fail(`${w}.behavior must be create, merge or replace (got "${behavior}")`, at('behavior'));
    }
    const g: GeneratorArgs = { name: f.field(o, 'name', `${w}.name`, itemLine) ?? '' };
    const ns = f.field(o, 'namespace', `${w}.namespace`, itemLine);
    if (ns !== undefined) g.namespace = ns;
    if (behavior !== undefined && behavior !== '') g.behavior = behavior as GeneratorArgs['behavior'];
    g.files = f.strList(o.files, `${w}.files`, at('files'));
    g.literals = f.strList(o.literals, `${w}.literals`, at('literals'));
    g.envs = f.strList(o.envs, `${w}.envs`, at('envs'));
    const env = f.field(o, 'env', `${w}.env`, itemLine);
    if (env !== undefined && env !== '') {
      g.envs.push(env);
      copyPosition(o, 'env', g.envs, g.envs.length - 1);
    }
    const type = f.field(o, 'type', `${w}.type`, itemLine);
    if (type !== undefined) g.type = type;
    const opts = generatorOptions(f, o.options, `${w}.options`, at('options'));
    if (opts !== undefined) g.options = opts;
    return g;
  });
  return keepLines(v, out);
}

function patchEntries(f: Fields, v: JsonValue | undefined, what: string, line: number | undefined): PatchEntry[] {
  const out = mappings(f, v, what, line, PATCH_FIELDS).map(({ o, w, line: itemLine }) => {
    const at = (key: string): number | undefined => lineOf(o, key) ?? itemLine;
    const p: PatchEntry = {};
    const path = f.field(o, 'path', `${w}.path`, itemLine);
    if (path !== undefined) p.path = path;
    const patch = f.field(o, 'patch', `${w}.patch`, itemLine);
    if (patch !== undefined) p.patch = patch;
    const t = target(f, o.target, `${w}.target`, at('target'));
    if (t !== undefined) p.target = t;
    const rawOpts = f.obj(o.options, `${w}.options`, at('options'));
    const opts = rawOpts === undefined ? undefined : foldFields(rawOpts, PATCH_OPTION_FIELDS, { f, what: `${w}.options` });
    if (opts !== undefined) {
      p.options = {};
      const an = f.bool(opts.allowNameChange, `${w}.options.allowNameChange`, lineOf(opts, 'allowNameChange') ?? at('options'));
      if (an !== undefined) p.options.allowNameChange = an;
      const ak = f.bool(opts.allowKindChange, `${w}.options.allowKindChange`, lineOf(opts, 'allowKindChange') ?? at('options'));
      if (ak !== undefined) p.options.allowKindChange = ak;
    }
    if ((p.path === undefined) === (p.patch === undefined)) f.fail(`${w} must have exactly one of path and patch`, itemLine);
    copyPositions(o, p); // a patch file that is missing or does not parse is reported at its entry
    return p;
  });
  return keepLines(v, out);
}

/**
 * The typed kustomization keeps the decoded lines: `positionOf(k, field)` for top-level fields, and each list
 * (resources, components, patches, generators and their files) keeps its items' lines, for errors found during the build.
 */
export function parseKustomization(text: string, file: string, maxAliasNodes: number): Kustomization {
  // kustomize reads its own file with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars: y, on, yes are booleans).
  const docs = decodeDocuments(text, file, maxAliasNodes, { yaml11: true, lastKeyWins: true });
  if (docs.length > 1) throw new RenderError('InvalidArgument', 'a kustomization file must hold one YAML document', { file, line: docs[1]?.line });
  const doc = docs[0];
  return kustomizationFromValue(doc?.value ?? {}, file, doc?.line ?? 1);
}

/** A decoded kustomization (or the equivalent of a builtin plugin's configuration) into its typed value. */
export function kustomizationFromValue(raw: JsonValue, file: string, line: number): Kustomization {
  const f = new Fields(file, line);
  if (!isObject(raw)) return f.fail('a kustomization must be a mapping');
  const v = foldFields(raw, [...KNOWN_FIELDS, ...Object.keys(UNSUPPORTED_FIELDS)]);
  for (const key of Object.keys(v)) {
    const why = Object.prototype.hasOwnProperty.call(UNSUPPORTED_FIELDS, key) ? UNSUPPORTED_FIELDS[key] : undefined;
    const keyLine = keyLineOf(v, key) ?? f.line;
    if (why !== undefined) throw new RenderError('Unimplemented', `field "${key}": ${why}`, { file, line: keyLine });
    if (!KNOWN_FIELDS.has(key)) f.fail(`unknown field "${key}" in kustomization`, keyLine);
  }
  const at = (key: string): number | undefined => lineOf(v, key);
  const kind = f.field(v, 'kind', 'kind');
  if (kind !== undefined && kind !== '' && kind !== 'Kustomization' && kind !== 'Component') f.fail(`kind must be Kustomization or Component (got "${kind}")`, at('kind'));
  const apiVersion = f.field(v, 'apiVersion', 'apiVersion');
  const wantVersion = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== wantVersion) {
    f.fail(`apiVersion for ${kind === 'Component' ? 'Component' : 'Kustomization'} should be ${wantVersion} (got "${apiVersion}")`, at('apiVersion'));
  }
  const resources = f.strList(v.resources, 'resources', at('resources'));
  const bases = f.strList(v.bases, 'bases', at('bases'));
  const allResources = [...resources, ...bases];
  bases.forEach((_, i) => copyPosition(bases, i, allResources, resources.length + i));
  resources.forEach((_, i) => copyPosition(resources, i, allResources, i));
  const k: Kustomization = {
    file,
    isComponent: kind === 'Component',
    resources: allResources,
    components: f.strList(v.components, 'components', at('components')),
    commonLabels: f.strMap(v.commonLabels, 'commonLabels', at('commonLabels')),
    labels: mappings(f, v.labels, 'labels', at('labels'), LABEL_FIELDS).map(({ o, w, line }) => {
      const entry: LabelEntry = {
        pairs: f.strMap(o.pairs, `${w}.pairs`, lineOf(o, 'pairs') ?? line),
        includeSelectors: f.bool(o.includeSelectors, `${w}.includeSelectors`, lineOf(o, 'includeSelectors') ?? line) ?? false,
        includeTemplates: f.bool(o.includeTemplates, `${w}.includeTemplates`, lineOf(o, 'includeTemplates') ?? line) ?? false,
      };
      if (o.fields !== undefined) {
        entry.fields = mappings(f, o.fields, `${w}.fields`, lineOf(o, 'fields') ?? line, FIELDSPEC_FIELDS).map(({ o: fo, w: fw, line: fl }) => {
          const spec: FieldSpecInput = { path: f.field(fo, 'path', `${fw}.path`, fl) ?? f.fail(`${fw}.path is required`, fl) };
          const kk = f.field(fo, 'kind', `${fw}.kind`, fl);
          if (kk !== undefined) spec.kind = kk;
          const gg = f.field(fo, 'group', `${fw}.group`, fl);
          if (gg !== undefined) spec.group = gg;
          const vv = f.field(fo, 'version', `${fw}.version`, fl);
          if (vv !== undefined) spec.version = vv;
          const cc = f.bool(fo.create, `${fw}.create`, lineOf(fo, 'create') ?? fl);
          if (cc !== undefined) spec.create = cc;
          return spec;
        });
      }
      return entry;
    }),
    commonAnnotations: f.strMap(v.commonAnnotations, 'commonAnnotations', at('commonAnnotations')),
    // imageTags is the deprecated name of images; kustomize applies both, images first.
    images: [...mappings(f, v.images, 'images', at('images'), IMAGE_FIELDS), ...mappings(f, v.imageTags, 'imageTags', at('imageTags'), IMAGE_FIELDS)].map(({ o, w, line }) => {
      const img: ImageEntry = { name: f.field(o, 'name', `${w}.name`, line) ?? f.fail(`${w}.name is required`, line) };
      const nn = f.field(o, 'newName', `${w}.newName`, line);
      if (nn !== undefined) img.newName = nn;
      const nt = f.field(o, 'newTag', `${w}.newTag`, line);
      if (nt !== undefined) img.newTag = nt;
      const dg = f.field(o, 'digest', `${w}.digest`, line);
      if (dg !== undefined) img.digest = dg;
      return img;
    }),
    replicas: keepLines(
      v.replicas,
      mappings(f, v.replicas, 'replicas', at('replicas'), REPLICA_FIELDS).map(({ o, w, line }) => {
        const count = o.count;
        if (typeof count !== 'number' || !Number.isInteger(count)) return f.fail(`${w}.count must be an integer`, lineOf(o, 'count') ?? line);
        return { name: f.field(o, 'name', `${w}.name`, line) ?? f.fail(`${w}.name is required`, line), count };
      }),
    ),
    patches: patchEntries(f, v.patches, 'patches', at('patches')),
    patchesStrategicMerge: f.strList(v.patchesStrategicMerge, 'patchesStrategicMerge', at('patchesStrategicMerge')),
    patchesJson6902: patchEntries(f, v.patchesJson6902, 'patchesJson6902', at('patchesJson6902')),
    configMapGenerator: generators(f, v.configMapGenerator, 'configMapGenerator', at('configMapGenerator')),
    secretGenerator: generators(f, v.secretGenerator, 'secretGenerator', at('secretGenerator')),
    replacements: f.list(v.replacements, 'replacements', at('replacements')),
    generators: f.strList(v.generators, 'generators', at('generators')),
    transformers: f.strList(v.transformers, 'transformers', at('transformers')),
    configurations: f.strList(v.configurations, 'configurations', at('configurations')),
    vars: mappings(f, v.vars, 'vars', at('vars'), ['name', 'objref', 'fieldref']).map(({ o, w, line: vl }) => {
      const name = f.field(o, 'name', `${w}.name`, vl) ?? f.fail(`${w}.name is required`, vl);
      const ref = foldFields(f.obj(o.objref, `${w}.objref`, lineOf(o, 'objref') ?? vl) ?? f.fail(`${w}.objref is required`, vl), ['apiVersion', 'group', 'version', 'kind', 'name', 'namespace'], { f, what: `${w}.objref` });
      const objref: VarDef['objref'] = {};
      for (const key of ['apiVersion', 'group', 'version', 'kind', 'name', 'namespace'] as const) {
        const x = f.field(ref, key, `${w}.objref.${key}`, vl);
        if (x !== undefined && x !== '') objref[key] = x;
      }
      const fr = o.fieldref === undefined || o.fieldref === null ? undefined : foldFields(f.obj(o.fieldref, `${w}.fieldref`, vl) ?? {}, ['fieldPath'], { f, what: `${w}.fieldref` });
      const fieldPath = (fr === undefined ? undefined : f.field(fr, 'fieldPath', `${w}.fieldref.fieldPath`, vl)) || 'metadata.name';
      return { name, objref, fieldPath, file, line: vl };
    }),
  };
  copyPositions(v, k);
  const ns = f.field(v, 'namespace', 'namespace');
  if (ns !== undefined && ns !== '') k.namespace = ns;
  const np = f.field(v, 'namePrefix', 'namePrefix');
  if (np !== undefined && np !== '') k.namePrefix = np;
  const nsfx = f.field(v, 'nameSuffix', 'nameSuffix');
  if (nsfx !== undefined && nsfx !== '') k.nameSuffix = nsfx;
  const go = generatorOptions(f, v.generatorOptions, 'generatorOptions', at('generatorOptions'));
  if (go !== undefined) k.generatorOptions = go;
  const meta = f.strList(v.buildMetadata, 'buildMetadata', at('buildMetadata'));
  meta.forEach((m, i) => {
    const line = lineOf(meta, i) ?? at('buildMetadata');
    if (m === 'transformerAnnotations') throw new RenderError('Unimplemented', 'buildMetadata transformerAnnotations is not supported by the built-in engine; use the external engine', { file, line });
    if (m !== 'managedByLabel' && m !== 'originAnnotations') f.fail(`buildMetadata option "${m}" is unknown (managedByLabel, originAnnotations, transformerAnnotations)`, line);
  });
  if (meta.includes('managedByLabel')) k.managedByLabel = true;
  if (meta.includes('originAnnotations')) k.originAnnotations = true;
  const rawSo = f.obj(v.sortOptions, 'sortOptions', at('sortOptions'));
  const so = rawSo === undefined ? undefined : foldFields(rawSo, SORT_FIELDS, { f, what: 'sortOptions' });
  if (so !== undefined) {
    const order = f.field(so, 'order', 'sortOptions.order', at('sortOptions'));
    if (order !== 'legacy' && order !== 'fifo') return f.fail('sortOptions.order must be legacy or fifo', lineOf(so, 'order') ?? at('sortOptions'));
    if (so.legacySortOptions !== undefined && so.legacySortOptions !== null) {
      const lineLso = keyLineOf(so, 'legacySortOptions') ?? f.line;
      if (order !== 'legacy') f.fail(`the field 'sortOptions.legacySortOptions' is set but the selected sort order is '${order}', not 'legacy'`, lineLso);
      const raw = f.obj(so.legacySortOptions, 'sortOptions.legacySortOptions', lineLso) ?? {};
      const lso = foldFields(raw, ['orderFirst', 'orderLast'], { f, what: 'sortOptions.legacySortOptions' });
      k.legacyOrder = {
        first: f.strList(lso.orderFirst, 'sortOptions.legacySortOptions.orderFirst', lineOf(lso, 'orderFirst') ?? lineLso),
        last: f.strList(lso.orderLast, 'sortOptions.legacySortOptions.orderLast', lineOf(lso, 'orderLast') ?? lineLso),
      };
    }
    k.sortOrder = order;
  }
  return k;
}

/** Remote bases and resources (URLs, git, go-getter forms) are refused: the agent renders only the commit it fetched. */
export function isRemoteReference(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@/.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || /^[a-z0-9.-]+\.[a-z]{2,}\/[^/]+\/[^/]+\.git/.test(ref) || /\?ref=|\/\/.*\?/.test(ref);
}
