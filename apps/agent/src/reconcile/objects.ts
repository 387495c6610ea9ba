// Checks rendered objects once at the edge into the shape the Kubernetes client applies.
import type { KubeObject as RenderedObject } from '@flotilla/render';
import { AgentError } from '../errors.js';
import type { KubeObject } from '../kube/index.js';

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AgentError('InvalidArgument', `${where} must be a map of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new AgentError('InvalidArgument', `${where}.${k} must be a string`);
  }
  return value as Record<string, string>;
}

export function toKubeObjects(objects: readonly RenderedObject[]): KubeObject[] {
  return objects.map((o) => {
    const where = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}: metadata`;
    const labels = stringMap(o.metadata['labels'], `${where}.labels`);
    const annotations = stringMap(o.metadata['annotations'], `${where}.annotations`);
    const metadata: KubeObject['metadata'] = { ...o.metadata, name: o.metadata.name };
    if (labels) metadata.labels = labels;
    if (annotations) metadata.annotations = annotations;
    if (typeof o.metadata.namespace === 'string' && o.metadata.namespace !== '') metadata.namespace = o.metadata.namespace;
    else delete metadata.namespace;
    return { ...o, apiVersion: o.apiVersion, kind: o.kind, metadata };
  });
}
