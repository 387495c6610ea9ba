// Patch targets: kind/group/version/name/namespace as anchored regular expressions, label and annotation selectors.
import { matchesLabels, parseLabelSelector } from '@flotilla/kube-schema';
import type { LabelSelector } from '@flotilla/kube-schema';
import { RenderError } from '../errors.js';
import { lineOf } from '../yaml/positions.js';
import { isObject } from '../objects.js';
import { gvkOf } from '../order.js';
import type { Resource } from '../resource.js';
import type { Target } from './kustomization.js';

function anchored(pattern: string, file: string, line: number | undefined): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (_e) {
    throw new RenderError('InvalidArgument', `target pattern "${pattern}" is not a valid regular expression`, { file, line });
  }
}

/** Kubernetes label selector syntax (a=b, a==b, a!=b, a in (x,y), a notin (x), a, !a), for labels and annotations alike. */
function parseSelector(text: string, file: string, line: number | undefined): LabelSelector {
  const parsed = parseLabelSelector(text, { validate: false, skipEmpty: true });
  if (!parsed.ok) throw new RenderError('InvalidArgument', `cannot parse selector "${text}"`, { file, line });
  return parsed.selector;
}

/** Label and annotation maps as strings; anything that is not a map has no entries. */
function stringMap(map: unknown): Record<string, string> {
  if (!isObject(map as never)) return {};
  return Object.fromEntries(Object.entries(map as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** Selector errors carry the line of the target field when the target came from a kustomization (positions kept). */
export function selectResources(resources: Resource[], t: Target, file: string): Resource[] {
  const kind = t.kind ? anchored(t.kind, file, lineOf(t, 'kind')) : undefined;
  const group = t.group ? anchored(t.group, file, lineOf(t, 'group')) : undefined;
  const version = t.version ? anchored(t.version, file, lineOf(t, 'version')) : undefined;
  const name = t.name ? anchored(t.name, file, lineOf(t, 'name')) : undefined;
  const namespace = t.namespace ? anchored(t.namespace, file, lineOf(t, 'namespace')) : undefined;
  const labels = t.labelSelector ? parseSelector(t.labelSelector, file, lineOf(t, 'labelSelector')) : undefined;
  const annotations = t.annotationSelector ? parseSelector(t.annotationSelector, file, lineOf(t, 'annotationSelector')) : undefined;
  return resources.filter((r) => {
    const g = gvkOf(r.obj);
    if (kind && !kind.test(g.kind)) return false;
    if (group && !group.test(g.group)) return false;
    if (version && !version.test(g.version)) return false;
    if (name && !(name.test(r.names[0] as string) || name.test(r.obj.metadata.name))) return false;
    if (namespace) {
      const first = r.namespaces[0] || 'default';
      const cur = (typeof r.obj.metadata.namespace === 'string' && r.obj.metadata.namespace) || 'default';
      if (!namespace.test(first) && !namespace.test(cur)) return false;
    }
    if (labels && !matchesLabels(labels, stringMap(r.obj.metadata.labels))) return false;
    if (annotations && !matchesLabels(annotations, stringMap(r.obj.metadata.annotations))) return false;
    return true;
  });
}
