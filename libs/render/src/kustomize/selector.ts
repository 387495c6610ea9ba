// Patch targets: kind/group/version/name/namespace as anchored regular expressions, label and annotation selectors.
import { RenderError } from '../errors.js';
import { isObject } from '../objects.js';
import { gvkOf } from '../order.js';
import type { Resource } from '../resource.js';
import type { Target } from './kustomization.js';

function anchored(pattern: string, file: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (_e) {
    throw new RenderError('InvalidArgument', `target pattern "${pattern}" is not a valid regular expression`, { file });
  }
}

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists';
  values: string[];
}

/** Kubernetes label selector syntax: a=b, a==b, a!=b, a in (x,y), a notin (x), a, !a. */
export function parseSelector(text: string, file: string): Requirement[] {
  const reqs: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts.map((p) => p.trim()).filter((p) => p !== '')) {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw)) !== null) {
      reqs.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(raw)) !== null) {
      reqs.push({ key: m[1] as string, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] as string] });
    } else if ((m = /^!\s*([^\s!=(),]+)$/.exec(raw)) !== null) {
      reqs.push({ key: m[1] as string, op: '!exists', values: [] });
    } else if ((m = /^([^\s!=(),]+)$/.exec(raw)) !== null) {
      reqs.push({ key: m[1] as string, op: 'exists', values: [] });
    } else {
      throw new RenderError('InvalidArgument', `cannot parse selector "${text}"`, { file });
    }
  }
  return reqs;
}

function matches(reqs: Requirement[], map: unknown): boolean {
  const m = isObject(map as never) ? (map as Record<string, unknown>) : {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(m, r.key);
    const v = has ? String(m[r.key]) : undefined;
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(v as string);
      case 'notin':
        return !has || !r.values.includes(v as string);
    }
    return false;
  });
}

export function selectResources(resources: Resource[], t: Target, file: string): Resource[] {
  const kind = t.kind ? anchored(t.kind, file) : undefined;
  const group = t.group ? anchored(t.group, file) : undefined;
  const version = t.version ? anchored(t.version, file) : undefined;
  const name = t.name ? anchored(t.name, file) : undefined;
  const namespace = t.namespace ? anchored(t.namespace, file) : undefined;
  const labels = t.labelSelector ? parseSelector(t.labelSelector, file) : undefined;
  const annotations = t.annotationSelector ? parseSelector(t.annotationSelector, file) : undefined;
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
    if (labels && !matches(labels, r.obj.metadata.labels)) return false;
    if (annotations && !matches(annotations, r.obj.metadata.annotations)) return false;
    return true;
  });
}
