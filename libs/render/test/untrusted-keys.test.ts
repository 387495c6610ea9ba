// "__proto__" in a repository is data, as it is to kustomize: kept as an own key wherever objects are built from input.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTreeFromDirectory, render } from '../src/index.js';
import { fixtureDir } from './fixtures.js';
import { tree } from './helpers.js';

const own = (o: unknown, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);

describe('__proto__ keys', () => {
  it('stay ordinary keys through decoding, strategic-merge and JSON patches, generators and labels', async () => {
    const { objects } = render(await readTreeFromDirectory(join(fixtureDir, 'proto-keys')), '');
    const [c, gen] = objects;
    for (const o of [c?.data, c?.metadata.annotations, c?.metadata.labels, gen?.data, gen?.metadata.labels]) {
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    }
    expect(own(c?.data, '__proto__')).toBe('two');
    expect(own(own(c?.data, 'extra'), '__proto__')).toBe('x');
    expect(own(c?.metadata.annotations, '__proto__')).toBe('json');
    expect(own(c?.metadata.labels, '__proto__')).toBe('common');
    expect(own(gen?.data, '__proto__')).toBe('literal');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('is kept in a plain manifest, with its nested value, and never becomes the prototype', () => {
    const { objects, yaml } = render(tree({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  __proto__:\n    polluted: "yes"\n' }), '');
    const data = objects[0]?.data;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(own(data, '__proto__')).toEqual({ polluted: 'yes' });
    expect(own(data, 'polluted')).toBeUndefined();
    expect(yaml).toContain('  __proto__:\n    polluted: "yes"\n');
  });
});
