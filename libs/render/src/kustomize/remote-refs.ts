// Refuses remote bases before an external kustomize ever runs: walks the kustomizations reachable from the app and
// rejects any URL or git reference in resources, bases or components, with the built-in engine's error.
import { RenderError } from '../errors.js';
import { isObject } from '../objects.js';
import { findKustomization } from '../plain.js';
import { joinInside } from '../tree/paths.js';
import type { TreeReader } from '../tree/reader.js';
import type { JsonValue } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { isRemoteReference } from './kustomization.js';

function refs(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
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
    const doc = decodeDocuments(reader.readText(kfile, from), kfile, maxAliasNodes, { yaml11: true })[0]?.value;
    if (!isObject(doc)) return;
    const lists: [string, string[]][] = [
      ['resource', [...refs(doc.resources), ...refs(doc.bases)]],
      ['component', refs(doc.components)],
    ];
    for (const [what, list] of lists) {
      for (const ref of list) {
        if (isRemoteReference(ref)) {
          throw new RenderError('PermissionDenied', `remote ${what} "${ref}" is refused: only paths inside the repository can be rendered`, { file: kfile });
        }
        const path = joinInside(dir, ref, kfile);
        if (reader.isDir(path, kfile)) visit(path, kfile);
      }
    }
  };
  visit(app, undefined);
}
