// Reads and validates a kustomization file into a typed value; unknown or remote things are refused with file and line.
import { RenderError } from '../errors.js';
import { isObject, setOwn } from '../objects.js';
import type { JsonObject, JsonValue } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { isNonStringKey, positionOf } from '../yaml/positions.js';

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
}

const KNOWN_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'resources', 'bases', 'components', 'namespace', 'namePrefix', 'nameSuffix',
  'commonLabels', 'labels', 'commonAnnotations', 'images', 'replicas', 'patches', 'patchesStrategicMerge',
  'patchesJson6902', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'sortOptions', 'buildMetadata',
]);
const UNSUPPORTED_FIELDS: Record<string, string> = {
  helmCharts: 'helmCharts needs the external engine (engine: kustomize-binary)',
  helmChartInflationGenerator: 'helm needs the external engine (engine: kustomize-binary)',
  helmGlobals: 'helm needs the external engine (engine: kustomize-binary)',
  generators: 'generator plugins need the external engine (engine: kustomize-binary)',
  transformers: 'transformer plugins need the external engine (engine: kustomize-binary)',
  validators: 'validator plugins need the external engine (engine: kustomize-binary)',
  vars: 'vars are not supported by the built-in engine; use the external engine',
  replacements: 'replacements are not supported by the built-in engine yet; use the external engine',
  crds: 'crds are not supported by the built-in engine; use the external engine',
  configurations: 'configurations (custom field specs) are not supported by the built-in engine; use the external engine',
  openapi: 'openapi is not supported by the built-in engine; use the external engine',
};

class Fields {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}
  fail(message: string, line = this.line): never {
    throw new RenderError('InvalidArgument', message, { file: this.file, line });
  }
  /**
   * kustomize unmarshals the kustomization into Go strings (via YAML 1.1): `x: y`, `x: on` and `x: 1.0` are a bool or a
   * number there and rejected, so they are here too rather than silently turned into text.
   */
  str(v: JsonValue | undefined, what: string, line = this.line): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
      const type = typeof v === 'boolean' ? 'bool' : 'number';
      return this.fail(`${what} must be a string, but YAML reads ${String(v)} as a ${type} (quote the value)`, line);
    }
    return this.fail(`${what} must be a string`, line);
  }
  strList(v: JsonValue | undefined, what: string): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(`${what} must be a list of strings`);
    return v.map((x, i) => {
      const line = positionOf(v, i)?.line;
      return this.str(x, `${what}[${i}]`, line) ?? this.fail(`${what}[${i}] must be a string`, line);
    });
  }
  strMap(v: JsonValue | undefined, what: string): Record<string, string> {
    if (v === undefined || v === null) return {};
    if (!isObject(v)) return this.fail(`${what} must be a map of strings`);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      const line = positionOf(v, k)?.line;
      // kustomize fails on these keys too (its YAML 1.1 reader makes them numbers or bools in the objects it builds).
      if (isNonStringKey(v, k)) this.fail(`${what} key ${k} must be a string, but YAML does not read it as one (quote the key)`, line);
      setOwn(out, k, this.str(x, `${what}.${k}`, line) ?? '');
    }
    return out;
  }
  bool(v: JsonValue | undefined, what: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.fail(`${what} must be true or false`);
    return v;
  }
  obj(v: JsonValue | undefined, what: string): JsonObject | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) return this.fail(`${what} must be a mapping`);
    return v;
  }
  list(v: JsonValue | undefined, what: string): JsonValue[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.fail(`${what} must be a list`);
    return v;
  }
}

function target(f: Fields, v: JsonValue | undefined, what: string): Target | undefined {
  const o = f.obj(v, what);
  if (o === undefined) return undefined;
  const t: Target = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const s = f.str(o[key], `${what}.${key}`);
    if (s !== undefined) t[key] = s;
  }
  return t;
}

function generatorOptions(f: Fields, v: JsonValue | undefined, what: string): GeneratorOptions | undefined {
  const o = f.obj(v, what);
  if (o === undefined) return undefined;
  const out: GeneratorOptions = {};
  if (o.labels !== undefined) out.labels = f.strMap(o.labels, `${what}.labels`);
  if (o.annotations !== undefined) out.annotations = f.strMap(o.annotations, `${what}.annotations`);
  const d = f.bool(o.disableNameSuffixHash, `${what}.disableNameSuffixHash`);
  if (d !== undefined) out.disableNameSuffixHash = d;
  const im = f.bool(o.immutable, `${what}.immutable`);
  if (im !== undefined) out.immutable = im;
  return out;
}

function generators(f: Fields, v: JsonValue | undefined, what: string): GeneratorArgs[] {
  return f.list(v, what).map((x, i) => {
    const w = `${what}[${i}]`;
    const o = f.obj(x, w) ?? f.fail(`${w} must be a mapping`);
    const behavior = f.str(o.behavior, `${w}.behavior`);
    if (behavior !== undefined && behavior !== 'create' && behavior !== 'merge' && behavior !== 'replace' && behavior !== '') {
      f.fail(`${w}.behavior must be create, merge or replace (got "${behavior}")`);
    }
    const g: GeneratorArgs = { name: f.str(o.name, `${w}.name`) ?? '' };
    const ns = f.str(o.namespace, `${w}.namespace`);
    if (ns !== undefined) g.namespace = ns;
    if (behavior !== undefined && behavior !== '') g.behavior = behavior as GeneratorArgs['behavior'];
    g.files = f.strList(o.files, `${w}.files`);
    g.literals = f.strList(o.literals, `${w}.literals`);
    g.envs = f.strList(o.envs, `${w}.envs`);
    const env = f.str(o.env, `${w}.env`);
    if (env !== undefined && env !== '') g.envs.push(env);
    const type = f.str(o.type, `${w}.type`);
    if (type !== undefined) g.type = type;
    const opts = generatorOptions(f, o.options, `${w}.options`);
    if (opts !== undefined) g.options = opts;
    return g;
  });
}

function patchEntries(f: Fields, v: JsonValue | undefined, what: string): PatchEntry[] {
  return f.list(v, what).map((x, i) => {
    const w = `${what}[${i}]`;
    const o = f.obj(x, w) ?? f.fail(`${w} must be a mapping`);
    const p: PatchEntry = {};
    const path = f.str(o.path, `${w}.path`);
    if (path !== undefined) p.path = path;
    const patch = f.str(o.patch, `${w}.patch`);
    if (patch !== undefined) p.patch = patch;
    const t = target(f, o.target, `${w}.target`);
    if (t !== undefined) p.target = t;
    const opts = f.obj(o.options, `${w}.options`);
    if (opts !== undefined) {
      p.options = {};
      const an = f.bool(opts.allowNameChange, `${w}.options.allowNameChange`);
      if (an !== undefined) p.options.allowNameChange = an;
      const ak = f.bool(opts.allowKindChange, `${w}.options.allowKindChange`);
      if (ak !== undefined) p.options.allowKindChange = ak;
    }
    if ((p.path === undefined) === (p.patch === undefined)) f.fail(`${w} must have exactly one of path and patch`);
    return p;
  });
}

export function parseKustomization(text: string, file: string, maxAliasNodes: number): Kustomization {
  // kustomize reads its own file with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars: y, on, yes are booleans).
  const docs = decodeDocuments(text, file, maxAliasNodes, { yaml11: true });
  if (docs.length > 1) throw new RenderError('InvalidArgument', 'a kustomization file must hold one YAML document', { file, line: docs[1]?.line });
  const doc = docs[0];
  const v = doc?.value ?? {};
  const f = new Fields(file, doc?.line ?? 1);
  if (!isObject(v)) return f.fail('a kustomization must be a mapping');
  for (const key of Object.keys(v)) {
    const why = Object.prototype.hasOwnProperty.call(UNSUPPORTED_FIELDS, key) ? UNSUPPORTED_FIELDS[key] : undefined;
    if (why !== undefined) throw new RenderError('Unimplemented', `field "${key}": ${why}`, { file, line: f.line });
    if (!KNOWN_FIELDS.has(key)) f.fail(`unknown field "${key}" in kustomization`);
  }
  const kind = f.str(v.kind, 'kind');
  if (kind !== undefined && kind !== '' && kind !== 'Kustomization' && kind !== 'Component') f.fail(`kind must be Kustomization or Component (got "${kind}")`);
  const k: Kustomization = {
    file,
    isComponent: kind === 'Component',
    resources: [...f.strList(v.resources, 'resources'), ...f.strList(v.bases, 'bases')],
    components: f.strList(v.components, 'components'),
    commonLabels: f.strMap(v.commonLabels, 'commonLabels'),
    labels: f.list(v.labels, 'labels').map((x, i) => {
      const o = f.obj(x, `labels[${i}]`) ?? f.fail(`labels[${i}] must be a mapping`);
      const entry: LabelEntry = {
        pairs: f.strMap(o.pairs, `labels[${i}].pairs`),
        includeSelectors: f.bool(o.includeSelectors, `labels[${i}].includeSelectors`) ?? false,
        includeTemplates: f.bool(o.includeTemplates, `labels[${i}].includeTemplates`) ?? false,
      };
      if (o.fields !== undefined) {
        entry.fields = f.list(o.fields, `labels[${i}].fields`).map((fs, j) => {
          const w = `labels[${i}].fields[${j}]`;
          const fo = f.obj(fs, w) ?? f.fail(`${w} must be a mapping`);
          const spec: FieldSpecInput = { path: f.str(fo.path, `${w}.path`) ?? f.fail(`${w}.path is required`) };
          const kk = f.str(fo.kind, `${w}.kind`);
          if (kk !== undefined) spec.kind = kk;
          const gg = f.str(fo.group, `${w}.group`);
          if (gg !== undefined) spec.group = gg;
          const vv = f.str(fo.version, `${w}.version`);
          if (vv !== undefined) spec.version = vv;
          const cc = f.bool(fo.create, `${w}.create`);
          if (cc !== undefined) spec.create = cc;
          return spec;
        });
      }
      return entry;
    }),
    commonAnnotations: f.strMap(v.commonAnnotations, 'commonAnnotations'),
    images: f.list(v.images, 'images').map((x, i) => {
      const o = f.obj(x, `images[${i}]`) ?? f.fail(`images[${i}] must be a mapping`);
      const img: ImageEntry = { name: f.str(o.name, `images[${i}].name`) ?? f.fail(`images[${i}].name is required`) };
      const nn = f.str(o.newName, `images[${i}].newName`);
      if (nn !== undefined) img.newName = nn;
      const nt = f.str(o.newTag, `images[${i}].newTag`);
      if (nt !== undefined) img.newTag = nt;
      const dg = f.str(o.digest, `images[${i}].digest`);
      if (dg !== undefined) img.digest = dg;
      return img;
    }),
    replicas: f.list(v.replicas, 'replicas').map((x, i) => {
      const o = f.obj(x, `replicas[${i}]`) ?? f.fail(`replicas[${i}] must be a mapping`);
      const count = o.count;
      if (typeof count !== 'number' || !Number.isInteger(count)) return f.fail(`replicas[${i}].count must be an integer`);
      return { name: f.str(o.name, `replicas[${i}].name`) ?? f.fail(`replicas[${i}].name is required`), count };
    }),
    patches: patchEntries(f, v.patches, 'patches'),
    patchesStrategicMerge: f.strList(v.patchesStrategicMerge, 'patchesStrategicMerge'),
    patchesJson6902: patchEntries(f, v.patchesJson6902, 'patchesJson6902'),
    configMapGenerator: generators(f, v.configMapGenerator, 'configMapGenerator'),
    secretGenerator: generators(f, v.secretGenerator, 'secretGenerator'),
  };
  const ns = f.str(v.namespace, 'namespace');
  if (ns !== undefined && ns !== '') k.namespace = ns;
  const np = f.str(v.namePrefix, 'namePrefix');
  if (np !== undefined && np !== '') k.namePrefix = np;
  const nsfx = f.str(v.nameSuffix, 'nameSuffix');
  if (nsfx !== undefined && nsfx !== '') k.nameSuffix = nsfx;
  const go = generatorOptions(f, v.generatorOptions, 'generatorOptions');
  if (go !== undefined) k.generatorOptions = go;
  if (f.strList(v.buildMetadata, 'buildMetadata').length > 0) {
    throw new RenderError('Unimplemented', 'buildMetadata is not supported by the built-in engine; use the external engine', { file, line: f.line });
  }
  const so = f.obj(v.sortOptions, 'sortOptions');
  if (so !== undefined) {
    const order = f.str(so.order, 'sortOptions.order');
    if (order !== 'legacy' && order !== 'fifo') return f.fail('sortOptions.order must be legacy or fifo');
    if (so.legacySortOptions !== undefined) throw new RenderError('Unimplemented', 'sortOptions.legacySortOptions is not supported by the built-in engine', { file, line: f.line });
    k.sortOrder = order;
  }
  return k;
}

/** Remote bases and resources (URLs, git, go-getter forms) are refused: the agent renders only the commit it fetched. */
export function isRemoteReference(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@/.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || /^[a-z0-9.-]+\.[a-z]{2,}\/[^/]+\/[^/]+\.git/.test(ref) || /\?ref=|\/\/.*\?/.test(ref);
}
