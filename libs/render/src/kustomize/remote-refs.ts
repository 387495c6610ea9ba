// Refuses remote sources before an external kustomize ever runs: walks the kustomizations reachable from the app and
// rejects every URL, go-getter (`git::`, `s3::`), `file://` or scp-style git reference in resources, bases,
// components, plugin and schema lists, and every helm chart repository, unless the cluster admin allowlisted it.
import { RenderError, atLine } from '../errors.js';
import { lineOf } from '../yaml/positions.js';
import { isObject } from '../objects.js';
import { findKustomization } from '../plain.js';
import { joinInside } from '../tree/paths.js';
import type { TreeReader } from '../tree/reader.js';
import type { JsonValue } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { isRemoteReference } from './kustomization.js';

/** The string entries of a list with their lines. */
function refs(v: JsonValue | undefined): [string, number | undefined][] {
  if (!Array.isArray(v)) return [];
  const out: [string, number | undefined][] = [];
  v.forEach((x, i) => {
    if (typeof x === 'string') out.push([x, lineOf(v, i)]);
  });
  return out;
}

/** Anything kustomize (through go-getter, git or helm) would fetch from somewhere other than the repository. */
export function isRemoteSource(ref: string): boolean {
  return isRemoteReference(ref) || /^[a-z][a-z0-9+.-]*::/i.test(ref) || /^file:/i.test(ref) || /^[a-z][a-z0-9+.-]*:\/\//i.test(ref.trim());
}

/** True when `ref` is one of the allowlisted sources or lies below one (`prefix/...`, `prefix?ref=...`). */
export function isAllowedRemote(ref: string, allow: readonly string[]): boolean {
  return allow.some((p) => ref === p || ref.startsWith(p.endsWith('/') ? p : `${p}/`) || ref.startsWith(`${p}?`));
}

/** Fields of a kustomization whose string entries are paths, or URLs kustomize would fetch. */
const referenceLists: [field: string, what: string, local: boolean][] = [
  ['resources', 'resource', true],
  ['bases', 'resource', true],
  ['components', 'component', true],
  ['crds', 'crd', false],
  ['configurations', 'configuration', false],
  ['generators', 'generator', true],
  ['transformers', 'transformer', true],
  ['validators', 'validator', true],
];

/** Helm chart repositories and values files: `[field, value, line]` for every one set. */
function helmSources(doc: Record<string, JsonValue>): [string, string, number | undefined][] {
  const out: [string, string, number | undefined][] = [];
  const add = (list: JsonValue | undefined, listName: string, fields: string[]) => {
    if (!Array.isArray(list)) return;
    list.forEach((chart, i) => {
      if (!isObject(chart)) return;
      for (const field of fields) {
        const value = chart[field];
        if (typeof value === 'string' && value !== '') out.push([`${listName}[${i}].${field}`, value, lineOf(chart, field) ?? lineOf(list, i)]);
        if (Array.isArray(value)) for (const [v, line] of refs(value)) out.push([`${listName}[${i}].${field}`, v, line]);
      }
    });
  };
  add(doc.helmCharts, 'helmCharts', ['repo', 'valuesFile', 'additionalValuesFiles']);
  add(doc.helmChartInflationGenerator, 'helmChartInflationGenerator', ['chartRepoUrl', 'values']);
  return out;
}

/** Throws PermissionDenied naming the kustomization file on the first remote source reachable from `app`. */
export function refuseRemoteReferences(reader: TreeReader, app: string, maxAliasNodes: number, allow: readonly string[] = []): void {
  const seen = new Set<string>();
  const refuse = (what: string, ref: string, kfile: string, line: number | undefined): never => {
    throw new RenderError(
      'PermissionDenied',
      `remote ${what} "${ref}" is refused: only paths inside the repository can be rendered`,
      { file: kfile, line },
    );
  };
  const visit = (dir: string, from: string | undefined): void => {
    const real = reader.resolve(dir, from);
    if (seen.has(real)) return;
    seen.add(real);
    const kfile = findKustomization(reader, dir, from);
    if (kfile === undefined) return;
    // The external binary is the one to judge everything else in the file; only references matter here.
    const doc = decodeDocuments(reader.readText(kfile, from), kfile, maxAliasNodes, { yaml11: true, lastKeyWins: true })[0]?.value;
    if (!isObject(doc)) return;
    // kustomize matches field names in any case (`Resources:`): every spelling is checked, not only the one it keeps.
    const fieldRefs = (name: string): [string, number | undefined][] => Object.keys(doc).filter((k) => k.toLowerCase() === name).flatMap((k) => refs(doc[k]));
    for (const [field, what, local] of referenceLists) {
      for (const [ref, line] of fieldRefs(field)) {
        if (isRemoteSource(ref)) {
          if (!isAllowedRemote(ref, allow)) refuse(what, ref, kfile, line);
          continue;
        }
        if (!local) continue;
        atLine(kfile, line, () => {
          const path = joinInside(dir, ref, kfile);
          if (reader.isDir(path, kfile)) visit(path, kfile);
        });
      }
    }
    const openapi = isObject(doc.openapi) ? doc.openapi.path : undefined;
    if (typeof openapi === 'string' && isRemoteSource(openapi) && !isAllowedRemote(openapi, allow)) refuse('openapi schema', openapi, kfile, lineOf(doc, 'openapi'));
    for (const [field, ref, line] of helmSources(doc)) {
      // A chart repository is always remote (https, oci); values files only when they are URLs.
      const remote = field.endsWith('.repo') || field.endsWith('.chartRepoUrl') || isRemoteSource(ref);
      if (remote && !isAllowedRemote(ref, allow)) refuse(`helm source ${field}`, ref, kfile, line);
    }
  };
  visit(app, undefined);
}
