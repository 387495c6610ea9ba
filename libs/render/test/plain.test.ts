// Plain directories: every manifest below the app path, recursively, as one kustomization listing them would render.
import { describe, expect, it } from 'vitest';
import { render } from '../src/index.js';
import { cm, tree } from './helpers.js';

const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
`;

describe('plain directories', () => {
  it('renders .yaml, .yml, .json, multi-document files and List kinds recursively, in kustomize order', () => {
    const t = tree({
      'app/a.yaml': `${deploy}---\n${cm('one')}`,
      'app/sub/b.yml': cm('two'),
      'app/sub/deeper/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [] } }),
      'app/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${cm('three').replaceAll('\n', '\n  ')}`,
      'app/README.md': '# not a manifest',
      'app/.github/ci.yaml': 'on: push',
    });
    const result = render(t, 'app');
    expect(result.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/one',
      'ConfigMap/three',
      'ConfigMap/two',
      'Service/s',
      'Deployment/web',
    ]);
  });

  it('prints the same bytes as a kustomization that lists the same files', () => {
    const files = { 'app/a.yaml': `${deploy}---\n${cm('one', 'data:\n  k: "v"\n')}`, 'app/b/c.yaml': cm('two') };
    const plain = render(tree(files), 'app');
    const kustomized = render(tree({ ...files, 'app/kustomization.yaml': 'resources:\n- a.yaml\n- b/c.yaml\n' }), 'app');
    expect(plain.yaml).toBe(kustomized.yaml);
  });

  it('renders a subdirectory holding a kustomization as one kustomize base', () => {
    const t = tree({
      'app/x.yaml': cm('plain'),
      'app/base/kustomization.yaml': 'namePrefix: b-\nresources:\n- cm.yaml\n',
      'app/base/cm.yaml': cm('inner'),
    });
    expect(render(t, 'app').objects.map((o) => o.metadata.name)).toEqual(['b-inner', 'plain']);
  });

  it('gives the same bytes whatever order the tree map was filled in', () => {
    const entries: [string, string][] = [
      ['app/z.yaml', cm('z')],
      ['app/a.yaml', cm('a')],
      ['app/m/n.yaml', cm('n')],
    ];
    const forward = render(tree(Object.fromEntries(entries)), 'app').yaml;
    const backward = render(tree(Object.fromEntries([...entries].reverse())), 'app').yaml;
    expect(forward).toBe(backward);
  });

  it('accepts the repository root as app path in any spelling', () => {
    const t = tree({ 'a.yaml': cm('a') });
    expect(render(t, '').yaml).toBe(render(t, './').yaml);
    expect(render(t, '.').yaml).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
  });
});
