// Per-cluster parameters: ${cluster.name}, ${cluster.labels.<key>}, ${stage}, ${app} after the build; shell text untouched.
import { describe, expect, it } from 'vitest';
import { RenderError, render } from '../src/index.js';
import { tree } from './helpers.js';

const manifest = (data: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-\${stage}\ndata:\n${data}`;
const params = { cluster: { name: 'prod-eu-1', labels: { region: 'eu-west-1', 'topology.kubernetes.io/zone': 'a' } }, stage: 'prod', app: 'shop' };

describe('per-cluster parameters', () => {
  it('substitutes cluster name, labels, stage and app after the build, names included', () => {
    const t = tree({
      'app/kustomization.yaml': 'namePrefix: x-\nresources:\n- cm.yaml\n',
      'app/cm.yaml': manifest(
        '  cluster: ${cluster.name}\n  region: ${cluster.labels.region}\n  zone: ${cluster.labels.topology.kubernetes.io/zone}\n  url: https://${app}.${stage}.example.com\n',
      ),
    });
    const r = render(t, 'app', params);
    expect(r.objects[0]?.metadata.name).toBe('x-settings-prod');
    expect(r.objects[0]?.data).toEqual({ cluster: 'prod-eu-1', region: 'eu-west-1', zone: 'a', url: 'https://shop.prod.example.com' });
  });

  it('uses ${var:=default} when the parameter is not set', () => {
    const t = tree({ 'cm.yaml': manifest('  tier: ${cluster.labels.tier:=standard}\n  stage: ${stage:=dev}\n').replace('settings-${stage}', 'settings-${stage:=dev}') });
    const r = render(t, '', { cluster: { name: 'c', labels: {} } });
    expect(r.objects[0]?.metadata.name).toBe('settings-dev');
    expect(r.objects[0]?.data).toEqual({ tier: 'standard', stage: 'dev' });
  });

  it('leaves shell variables and other ${...} text alone, and $${...} escapes a Flotilla variable', () => {
    const script = '  run.sh: |\n    echo "$HOME ${USER} ${HOSTNAME:-x} $${cluster.name}"\n';
    const r = render(tree({ 'cm.yaml': manifest(script) }), '', params);
    expect(r.objects[0]?.data).toEqual({ 'run.sh': 'echo "$HOME ${USER} ${HOSTNAME:-x} ${cluster.name}"\n' });
  });

  it('fails on an unknown variable, naming the file, the line of the variable itself and the field', () => {
    const t = tree({ 'a/cm.yaml': `# leading comment\n${manifest('  ok: "1"\n  zone: ${cluster.labels.zone}\n')}` });
    expect(() => render(t, 'a', params)).toThrowError(RenderError);
    expect(() => render(t, 'a', params)).toThrowError(/^a\/cm\.yaml:8: unknown variable \$\{cluster\.labels\.zone\} at data\.zone/);
  });

  it('names the line of an unknown variable inside a list, in a base reached through an overlay', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    args:\n    - --a\n    - --zone=${cluster.labels.zone}\n';
    const t = tree({
      'base/kustomization.yaml': 'resources:\n- pod.yaml\n',
      'base/pod.yaml': `---\n${pod}`,
      'overlay/kustomization.yaml': 'namePrefix: x-\nresources:\n- ../base\n',
    });
    expect(() => render(t, 'overlay', params)).toThrowError(/^base\/pod\.yaml:11: unknown variable \$\{cluster\.labels\.zone\} at spec\.containers\[0\]\.args\[1\]/);
  });

  it('names the patch file and line for a variable a strategic-merge patch brought in, the base line otherwise', () => {
    const base = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app:${BASE_TAG}\n';
    const patch = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    args:\n    - --region=eu\n    - --zone=${cluster.labels.zone}\n';
    const files = { 'base/kustomization.yaml': 'resources:\n- pod.yaml\n', 'overlay/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: patch.yaml\n', 'overlay/patch.yaml': patch };
    expect(() => render(tree({ ...files, 'base/pod.yaml': base }), 'overlay', params)).toThrowError(/^overlay\/patch\.yaml:10: unknown variable \$\{cluster\.labels\.zone\} at spec\.containers\[0\]\.args\[1\]/);
    const inBase = base.replace('${BASE_TAG}', '${stage}').replace('app:', 'app-${app}:');
    expect(() => render(tree({ ...files, 'base/pod.yaml': inBase, 'overlay/patch.yaml': patch.replace('${cluster.labels.zone}', 'a') }), 'overlay', { stage: 's' })).toThrowError(
      /^base\/pod\.yaml:8: unknown variable \$\{app\} at spec\.containers\[0\]\.image/,
    );
  });

  it('fails on ${stage} when no stage is given', () => {
    expect(() => render(tree({ 'cm.yaml': manifest('  x: "1"\n') }), '')).toThrowError(/unknown variable \$\{stage\} at metadata\.name/);
  });
});
