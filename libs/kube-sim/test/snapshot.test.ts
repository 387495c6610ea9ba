// A cluster's state survives a snapshot file: objects, custom resource types, and a resourceVersion that keeps growing.

import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { http, tempDir } from './helpers.js';

describe('snapshots', () => {
  const open: SimulatedCluster[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('restores objects and CRD-served kinds from a file written by saveSnapshot', async () => {
    const tmp = await tempDir();
    try {
      const first = await startCluster({ controllers: false });
      open.push(first);
      first.store.create({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gadgets.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true }] },
      });
      first.store.create({ group: 'example.com', kind: 'Gadget' }, { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'default' }, spec: { x: 1 } });
      const rv = Number(first.store.resourceVersion());
      const file = `${tmp.dir}/state.json`;
      await first.saveSnapshot(file);

      const second = await startCluster({ controllers: false, snapshotFile: file });
      open.push(second);
      const got = await http(second, 'GET', '/apis/example.com/v1/namespaces/default/gadgets/g');
      expect(got.status).toBe(200);
      expect(got.json()).toMatchObject({ spec: { x: 1 }, metadata: { resourceVersion: expect.any(String) } });
      const created = second.store.create({ group: '', resource: 'configmaps' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'default' } });
      expect(Number(created.metadata.resourceVersion)).toBe(rv + 1);
    } finally {
      await tmp.cleanup();
    }
  });
});
