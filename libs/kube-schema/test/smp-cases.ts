// Real-looking objects and strategic merge patches, shared by the table test and the kubectl differential test.
import type { JsonObject } from '../src/index.js';

export const deployment: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', tier: 'frontend' }, finalizers: ['a.example.com/x', 'b.example.com/y'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.25',
            args: ['--port=80', '--verbose'],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [
              { containerPort: 80, protocol: 'TCP', name: 'http' },
              { containerPort: 443, protocol: 'TCP', name: 'https' },
            ],
            volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
          },
          { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
        ],
        volumes: [
          { name: 'config', configMap: { name: 'web-config' } },
          { name: 'cache', emptyDir: {} },
        ],
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      },
    },
  },
};

export interface SmpCase {
  readonly name: string;
  readonly patch: JsonObject;
  /** Where to compare, below the object. */
  readonly path: readonly string[];
  readonly expected: unknown;
}

const podSpec = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });

export const smpCases: readonly SmpCase[] = [
  {
    name: 'merges a container by name, keeping fields the patch does not mention',
    patch: podSpec({ containers: [{ name: 'app', image: 'nginx:1.26' }] }),
    path: ['spec', 'template', 'spec', 'containers', '0'],
    expected: { ...(((deployment['spec'] as JsonObject)['template'] as JsonObject)['spec'] as { containers: JsonObject[] }).containers[0], image: 'nginx:1.26' },
  },
  {
    name: 'puts a new container before the existing ones, as apimachinery orders merged lists',
    patch: podSpec({ containers: [{ name: 'metrics', image: 'prom/exporter:1' }] }),
    path: ['spec', 'template', 'spec', 'containers'],
    expected: ['metrics', 'app', 'sidecar'],
  },
  {
    name: 'merges env by name: keeps A, changes B and adds C after it',
    patch: podSpec({ containers: [{ name: 'app', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] }),
    path: ['spec', 'template', 'spec', 'containers', '0', 'env'],
    expected: [
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ],
  },
  {
    name: 'merges ports by containerPort',
    patch: podSpec({ containers: [{ name: 'app', ports: [{ containerPort: 443, name: 'tls' }, { containerPort: 8080, protocol: 'TCP' }] }] }),
    path: ['spec', 'template', 'spec', 'containers', '0', 'ports'],
    expected: [
      { containerPort: 80, protocol: 'TCP', name: 'http' },
      { containerPort: 443, protocol: 'TCP', name: 'tls' },
      { containerPort: 8080, protocol: 'TCP' },
    ],
  },
  {
    name: 'deletes a container with $patch: delete',
    patch: podSpec({ containers: [{ name: 'sidecar', $patch: 'delete' }] }),
    path: ['spec', 'template', 'spec', 'containers'],
    expected: ['app'],
  },
  {
    name: 'replaces the whole container list with $patch: replace',
    patch: podSpec({ containers: [{ name: 'only', image: 'alpine:3' }, { $patch: 'replace' }] }),
    path: ['spec', 'template', 'spec', 'containers'],
    expected: [{ name: 'only', image: 'alpine:3' }],
  },
  {
    name: 'merges volumes by name and honours $retainKeys to switch the volume source',
    patch: podSpec({ volumes: [{ name: 'cache', $retainKeys: ['name', 'secret'], secret: { secretName: 'cache-seed' } }] }),
    path: ['spec', 'template', 'spec', 'volumes'],
    expected: [
      { name: 'config', configMap: { name: 'web-config' } },
      { name: 'cache', secret: { secretName: 'cache-seed' } },
    ],
  },
  {
    name: 'orders containers as $setElementOrder says',
    patch: podSpec({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'nginx:1.27' }] }),
    path: ['spec', 'template', 'spec', 'containers'],
    expected: ['sidecar', 'app'],
  },
  {
    name: 'removes a finalizer with $deleteFromPrimitiveList',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'] } },
    path: ['metadata', 'finalizers'],
    expected: ['b.example.com/y'],
  },
  {
    name: 'adds a finalizer to the merged primitive list',
    patch: { metadata: { finalizers: ['c.example.com/z'] } },
    path: ['metadata', 'finalizers'],
    expected: ['c.example.com/z', 'a.example.com/x', 'b.example.com/y'],
  },
  {
    name: 'replaces a list without a merge strategy (args)',
    patch: podSpec({ containers: [{ name: 'app', args: ['--port=8080'] }] }),
    path: ['spec', 'template', 'spec', 'containers', '0', 'args'],
    expected: ['--port=8080'],
  },
  {
    name: 'deletes a key with null and leaves unmatched nulls out',
    patch: { metadata: { labels: { tier: null, team: 'shop' } }, spec: { paused: null } },
    path: ['metadata', 'labels'],
    expected: { app: 'web', team: 'shop' },
  },
  {
    name: 'replaces a struct with $patch: replace',
    patch: { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } },
    path: ['spec', 'strategy'],
    expected: { type: 'Recreate' },
  },
  {
    name: 'clears the rolling update parameters with $retainKeys on the strategy',
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    path: ['spec', 'strategy'],
    expected: { type: 'Recreate' },
  },
  {
    name: 'empties a struct with $patch: delete',
    patch: { spec: { strategy: { rollingUpdate: { $patch: 'delete' } } } },
    path: ['spec', 'strategy'],
    expected: { type: 'RollingUpdate', rollingUpdate: {} },
  },
  {
    name: 'replaces tolerations, which have no merge key',
    patch: podSpec({ tolerations: [{ operator: 'Exists' }] }),
    path: ['spec', 'template', 'spec', 'tolerations'],
    expected: [{ operator: 'Exists' }],
  },
];
