// configMapGenerator and secretGenerator: literals, env files and files into ConfigMaps/Secrets, with create/merge/replace.
import { RenderError, atLine } from '../errors.js';
import { lineOf } from '../yaml/positions.js';
import { isObject, setOwn } from '../objects.js';
import type { Resource } from '../resource.js';
import { hadId, newResource } from '../resource.js';
import { basename, joinInside } from '../tree/paths.js';
import type { JsonObject, KubeObject } from '../types.js';
import type { BuildContext } from './build.js';
import type { GeneratorArgs, GeneratorOptions, Kustomization } from './kustomization.js';

type Kind = 'ConfigMap' | 'Secret';

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

interface Entry {
  key: string;
  bytes?: Uint8Array;
  text?: string;
}

function collect(ctx: BuildContext, g: GeneratorArgs, dir: string, kfile: string): Entry[] {
  const entries: Entry[] = [];
  const literals = g.literals ?? [];
  literals.forEach((lit, i) => {
    const eq = lit.indexOf('=');
    if (eq <= 0) throw new RenderError('InvalidArgument', `generator "${g.name}": literal "${lit}" must be KEY=VALUE`, { file: kfile, line: lineOf(literals, i) });
    entries.push({ key: lit.slice(0, eq), text: unquote(lit.slice(eq + 1)) });
  });
  const envs = g.envs ?? [];
  envs.forEach((env, n) => {
    const path = atLine(kfile, lineOf(envs, n), () => {
      const p = joinInside(dir, env, kfile);
      ctx.reader.checkFileWithin(dir, p, kfile);
      return p;
    });
    const text = atLine(kfile, lineOf(envs, n), () => ctx.reader.readText(path, kfile)).replace(/^\uFEFF/, '');
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      if (eq < 0) {
        throw new RenderError('InvalidArgument', `"${line}" has no "=": values from the environment are not available to the renderer`, { file: path, line: i + 1 });
      }
      const key = line.slice(0, eq);
      if (/\s/.test(key) || key === '') throw new RenderError('InvalidArgument', `invalid key "${key}" in env file`, { file: path, line: i + 1 });
      entries.push({ key, text: line.slice(eq + 1) });
    });
  });
  const files = g.files ?? [];
  files.forEach((f, i) => {
    const eq = f.indexOf('=');
    const key = eq >= 0 ? f.slice(0, eq) : basename(f);
    const rel = eq >= 0 ? f.slice(eq + 1) : f;
    const bytes = atLine(kfile, lineOf(files, i), () => {
      const path = joinInside(dir, rel, kfile);
      if (ctx.reader.isDir(path, kfile)) throw new RenderError('InvalidArgument', `generator "${g.name}": "${rel}" is a directory`, { file: kfile });
      ctx.reader.checkFileWithin(dir, path, kfile);
      return ctx.reader.readBytes(path, kfile);
    });
    entries.push({ key, bytes });
  });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.key)) throw new RenderError('InvalidArgument', `generator "${g.name}": key "${e.key}" is defined twice`, { file: kfile });
    seen.add(e.key);
  }
  return entries;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function makeObject(kind: Kind, g: GeneratorArgs, entries: Entry[], opts: GeneratorOptions): KubeObject {
  const metadata: KubeObject['metadata'] = { name: g.name };
  if (g.namespace !== undefined && g.namespace !== '') metadata.namespace = g.namespace;
  if (opts.labels !== undefined && Object.keys(opts.labels).length > 0) metadata.labels = { ...opts.labels };
  if (opts.annotations !== undefined && Object.keys(opts.annotations).length > 0) metadata.annotations = { ...opts.annotations };
  const obj: KubeObject = { apiVersion: 'v1', kind, metadata };
  const data: JsonObject = {};
  const binaryData: JsonObject = {};
  for (const e of entries) {
    let text = e.text;
    if (text === undefined && e.bytes !== undefined) {
      try {
        text = utf8.decode(e.bytes);
      } catch (_e) {
        text = undefined;
      }
    }
    if (kind === 'Secret') setOwn(data, e.key, base64(e.bytes ?? new TextEncoder().encode(text ?? '')));
    else if (text !== undefined) setOwn(data, e.key, text);
    else setOwn(binaryData, e.key, base64(e.bytes as Uint8Array));
  }
  if (Object.keys(data).length > 0) obj.data = data;
  if (Object.keys(binaryData).length > 0) obj.binaryData = binaryData;
  if (kind === 'Secret') obj.type = g.type !== undefined && g.type !== '' ? g.type : 'Opaque';
  if (opts.immutable === true) obj.immutable = true;
  return obj;
}

function mergeOptions(a: GeneratorOptions | undefined, b: GeneratorOptions | undefined): GeneratorOptions {
  const out: GeneratorOptions = {};
  const labels = { ...(a?.labels ?? {}), ...(b?.labels ?? {}) };
  const annotations = { ...(a?.annotations ?? {}), ...(b?.annotations ?? {}) };
  if (Object.keys(labels).length > 0) out.labels = labels;
  if (Object.keys(annotations).length > 0) out.annotations = annotations;
  const disable = b?.disableNameSuffixHash ?? a?.disableNameSuffixHash;
  if (disable !== undefined) out.disableNameSuffixHash = disable;
  const immutable = b?.immutable ?? a?.immutable;
  if (immutable !== undefined) out.immutable = immutable;
  return out;
}

function mergeMaps(into: KubeObject, from: KubeObject, field: string): void {
  const a = into[field];
  const b = from[field];
  if (!isObject(b)) return;
  into[field] = { ...(isObject(a) ? a : {}), ...b };
}

export function runGenerators(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  const run = (kind: Kind, list: GeneratorArgs[]): void => {
    // Errors about one generator name the line of its entry.
    list.forEach((g, i) => atLine(k.file, lineOf(list, i), () => {
      if (g.name === '') throw new RenderError('InvalidArgument', `${kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'}[${i}] has no name`, { file: k.file });
      const opts = mergeOptions(k.generatorOptions, g.options);
      const obj = makeObject(kind, g, collect(ctx, g, dir, k.file), opts);
      const behavior = g.behavior ?? 'create';
      const ns = g.namespace ?? '';
      // Matched by any id the object has had (name and namespace together), as kustomize does.
      const existing = resources.filter((r) => r.obj.kind === kind && hadId(r, kind, g.name, ns));
      if (behavior === 'create') {
        const clash = existing[0];
        if (clash !== undefined) {
          throw new RenderError('InvalidArgument', `${kind} "${g.name}" already exists (from ${clash.origin.file}); use behavior merge or replace`, { file: k.file });
        }
        const r = newResource(obj, { file: k.file, line: 1 });
        r.generated = { hash: opts.disableNameSuffixHash !== true, behavior, configuredIn: k.file };
        resources.push(r);
        return;
      }
      if (existing.length !== 1) {
        throw new RenderError('NotFound', `${kind} "${g.name}" with behavior ${behavior} has ${existing.length === 0 ? 'no' : 'more than one'} existing ${kind} to ${behavior}`, { file: k.file });
      }
      const target = existing[0] as Resource;
      const t = target.obj;
      if (behavior === 'replace') {
        for (const f of ['data', 'binaryData', 'type', 'immutable']) delete t[f];
        for (const f of ['data', 'binaryData', 'type', 'immutable']) if (obj[f] !== undefined) t[f] = obj[f];
      } else {
        mergeMaps(t, obj, 'data');
        mergeMaps(t, obj, 'binaryData');
        if (kind === 'Secret' && g.type !== undefined && g.type !== '') t.type = g.type;
      }
      const md = t.metadata;
      if (isObject(obj.metadata.labels)) md.labels = { ...(isObject(md.labels) ? md.labels : {}), ...obj.metadata.labels };
      if (isObject(obj.metadata.annotations)) md.annotations = { ...(isObject(md.annotations) ? md.annotations : {}), ...obj.metadata.annotations };
      const hash = opts.disableNameSuffixHash === true ? false : (target.generated?.hash ?? false);
      target.generated = { ...target.generated, hash, behavior };
    }));
  };
  run('ConfigMap', k.configMapGenerator);
  run('Secret', k.secretGenerator);
}
