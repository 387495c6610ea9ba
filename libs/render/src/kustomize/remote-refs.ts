// Refuses remote bases before an external kustomize ever runs: walks the kustomizations reachable from the app and
// rejects any URL or git reference in resources, bases or components, with the built-in engine's error.
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

/** Throws PermissionDenied naming the kustomization file on the first remote reference reachable from `app`. */
export function refuseRemoteReferences(reader: TreeReader, app: string, maxAliasNodes: number): void {
  const seen = new Set<string>();
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
    const field = (name: string): [string, number | undefined][] =>
      Object.keys(doc).filter((k) => k.toLowerCase() === name).flatMap((k) => refs(doc[k]));
    const lists: [string, [string, number | undefined][]][] = [
      ['resource', [...field('resources'), ...field('bases')]],
      ['component', field('components')],
    ];
    for (const [what, list] of lists) {
      for (const [ref, line] of list) {
        if (isRemoteReference(ref)) {
          throw new RenderError('PermissionDenied', `remote ${what} "${ref}" is refused: only paths inside the repository can be rendered`, { file: kfile, line });
        }
        atLine(kfile, line, () => {
          const path = joinInside(dir, ref, kfile);
          if (reader.isDir(path, kfile)) visit(path, kfile);
        });
      }
    }
  };
  visit(app, undefined);
}
