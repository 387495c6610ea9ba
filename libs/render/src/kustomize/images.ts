// The images transformer: every image field under containers/initContainers anywhere in an object, as kustomize walks them.
import { isObject } from '../objects.js';
import { applySpecs } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import type { Resource } from '../resource.js';
import type { JsonValue } from '../types.js';
import type { ImageEntry } from './kustomization.js';

/** Splits "registry:5000/repo/name:tag@sha256:..." into name, tag and digest as kustomize's image.Split does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

function updateImage(value: string, entry: ImageEntry): string {
  const parts = splitImage(value);
  if (parts.name !== entry.name) return value;
  let { name, tag, digest } = parts;
  if (entry.newName !== undefined && entry.newName !== '') name = entry.newName;
  const newTag = entry.newTag ?? '';
  const newDigest = entry.digest ?? '';
  if (newTag !== '' && newDigest !== '') {
    tag = newTag;
    digest = newDigest;
  } else if (newTag !== '') {
    tag = newTag;
    digest = '';
  } else if (newDigest !== '') {
    tag = '';
    digest = newDigest;
  }
  return name + (tag !== '' ? ':' + tag : '') + (digest !== '' ? '@' + digest : '');
}

function walk(node: JsonValue, entries: readonly ImageEntry[]): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, entries);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const c of value) {
        if (isObject(c) && typeof c.image === 'string') {
          for (const e of entries) {
            const next = updateImage(c.image, e);
            if (next !== c.image) {
              c.image = next;
              break;
            }
          }
        }
      }
    }
    walk(value, entries);
  }
}

/** `custom`: image fields from `configurations` (a custom resource's image string), besides every container image. */
export function applyImages(resources: Resource[], entries: readonly ImageEntry[], custom: readonly FieldSpec[] = []): void {
  for (const r of resources) {
    walk(r.obj, entries);
    applySpecs(r.obj, custom, (parent, key) => {
      const v = parent[key];
      if (typeof v !== 'string') return;
      for (const e of entries) {
        const next = updateImage(v, e);
        if (next !== v) {
          parent[key] = next;
          break;
        }
      }
    });
  }
}
