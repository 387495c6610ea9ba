// Error table: each bad input fails with a stable code and a message naming the file (and line where there is one).
import { describe, expect, it } from 'vitest';
import { RenderError, render } from '../src/index.js';
import type { RenderLimits } from '../src/index.js';
import { cm, tree } from './helpers.js';

interface Case {
  name: string;
  files: Record<string, string>;
  symlinks?: Record<string, string>;
  app?: string;
  limits?: Partial<RenderLimits>;
  code: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'object without apiVersion', files: { 'a.yaml': `${cm('ok')}---\nkind: ConfigMap\nmetadata:\n  name: x\n` }, code: 'InvalidArgument', message: /^a\.yaml:6: document 2 has no apiVersion/ },
  { name: 'object without kind', files: { 'a.yaml': 'apiVersion: v1\nmetadata:\n  name: x\n' }, code: 'InvalidArgument', message: /^a\.yaml:1: document 1 has no kind/ },
  { name: 'object without metadata.name', files: { 'd/a.yaml': '\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }, app: 'd', code: 'InvalidArgument', message: /^d\/a\.yaml:3: document 1 \(ConfigMap\) has no metadata\.name/ },
  { name: 'List item without name', files: { 'l.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {}\n' }, code: 'InvalidArgument', message: /^l\.yaml:1: document 1, items\[0\] \(ConfigMap\) has no metadata\.name/ },
  { name: 'YAML syntax error', files: { 'a.yaml': 'apiVersion: v1\nkind: [unclosed\n' }, code: 'InvalidArgument', message: /^a\.yaml:\d+: cannot parse YAML/ },
  { name: 'duplicate key', files: { 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n' }, code: 'InvalidArgument', message: /^a\.yaml:3: / },
  { name: 'unknown kustomization field', files: { 'kustomization.yaml': 'resourcez:\n- a.yaml\n' }, code: 'InvalidArgument', message: /^kustomization\.yaml:1: unknown field "resourcez"/ },
  { name: 'missing resource', files: { 'kustomization.yaml': 'resources:\n- nope.yaml\n' }, code: 'NotFound', message: /^kustomization\.yaml: resource "nope\.yaml" does not exist/ },
  { name: 'resource path leaving the root', files: { 'app/kustomization.yaml': 'resources:\n- ../../etc\n' }, app: 'app', code: 'PermissionDenied', message: /^app\/kustomization\.yaml: path "\.\.\/\.\.\/etc" leaves the repository root/ },
  { name: 'absolute resource path', files: { 'kustomization.yaml': 'resources:\n- /etc/passwd\n' }, code: 'PermissionDenied', message: /absolute/ },
  { name: 'remote base', files: { 'kustomization.yaml': 'resources:\n- https://github.com/org/repo//deploy?ref=v1\n' }, code: 'PermissionDenied', message: /^kustomization\.yaml: remote resource .* is refused/ },
  { name: 'github shorthand base', files: { 'kustomization.yaml': 'resources:\n- github.com/org/repo/deploy\n' }, code: 'PermissionDenied', message: /remote resource/ },
  { name: 'symlink leaving the root', files: { 'kustomization.yaml': 'resources:\n- link.yaml\n' }, symlinks: { 'link.yaml': '../../etc/passwd' }, code: 'PermissionDenied', message: /symbolic link "link\.yaml" points outside the repository/ },
  { name: 'absolute symlink', files: { 'kustomization.yaml': 'resources:\n- link.yaml\n' }, symlinks: { 'link.yaml': '/etc/passwd' }, code: 'PermissionDenied', message: /points outside the repository/ },
  { name: 'symlink loop', files: { 'kustomization.yaml': 'resources:\n- a\n' }, symlinks: { a: 'b', b: 'a' }, code: 'InvalidArgument', message: /too many levels of symbolic links/ },
  { name: 'kustomization cycle', files: { 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n' }, app: 'a', code: 'InvalidArgument', message: /cycle detected: a -> b -> a/ },
  { name: 'duplicate object id', files: { 'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', 'a.yaml': cm('x'), 'b.yaml': cm('x') }, code: 'InvalidArgument', message: /^b\.yaml:1: may not add resource with an already registered id: ConfigMap x/ },
  { name: 'helm charts need the external engine', files: { 'kustomization.yaml': 'helmCharts:\n- name: x\n' }, code: 'Unimplemented', message: /helmCharts needs the external engine/ },
  { name: 'strategic merge patch without a match', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- path: p.yaml\n', 'a.yaml': cm('a'), 'p.yaml': cm('b', 'data:\n  x: y\n') }, code: 'NotFound', message: /^p\.yaml:1: no resource matches strategic merge patch ConfigMap b/ },
  { name: 'JSON patch on a missing path', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - op: replace\n      path: /data/x\n      value: 1\n', 'a.yaml': cm('a') }, code: 'InvalidArgument', message: /JSON patch operation 0 \(replace \/data\/x\)/ },
  { name: 'env file line without "="', files: { 'kustomization.yaml': 'configMapGenerator:\n- name: c\n  envs: [e.env]\n', 'e.env': 'A=1\nHOME\n' }, code: 'InvalidArgument', message: /^e\.env:2: "HOME" has no "="/ },
  { name: 'unknown parameter', files: { 'a.yaml': `${cm('a')}data:\n  x: \${cluster.labels.region}\n` }, code: 'InvalidArgument', message: /^a\.yaml:6: unknown variable \$\{cluster\.labels\.region\} at data\.x/ },
  { name: 'app path that is not a directory', files: { 'a.yaml': cm('a') }, app: 'missing', code: 'NotFound', message: /app path "missing" is not a directory/ },
  { name: 'too many files', files: { 'a.yaml': cm('a'), 'b.yaml': cm('b'), 'c.yaml': cm('c') }, limits: { maxFiles: 2 }, code: 'ResourceExhausted', message: /^c\.yaml: more than 2 files read/ },
  { name: 'too many bytes', files: { 'a.yaml': cm('a'), 'b.yaml': cm('b') }, limits: { maxTotalBytes: 60 }, code: 'ResourceExhausted', message: /^b\.yaml: more than 60 bytes read/ },
  { name: 'too many objects', files: { 'a.yaml': `${cm('a')}---\n${cm('b')}---\n${cm('c')}` }, limits: { maxObjects: 2 }, code: 'ResourceExhausted', message: /more than 2 objects/ },
  { name: 'namespace collapsing two objects into one id', files: { 'kustomization.yaml': 'namespace: one\nresources:\n- a.yaml\n', 'a.yaml': `${cm('x')}  namespace: a\n---\n${cm('x')}  namespace: b\n` }, code: 'InvalidArgument', message: /^kustomization\.yaml: namespace transformation produces ID conflict: ConfigMap one\/x/ },
  { name: 'two kustomization files in one directory', files: { 'app/kustomization.yaml': 'resources: []\n', 'app/kustomization.yml': 'resources: []\n' }, app: 'app', code: 'InvalidArgument', message: /^app\/kustomization\.yaml: found multiple kustomization files/ },
  { name: 'plain directory looping through a symlink', files: { 'app/a.yaml': cm('a') }, symlinks: { 'app/loop': '..' }, app: 'app', code: 'InvalidArgument', message: /^app\/loop\/app: directory "app\/loop\/app" loops back to "app" through a symbolic link/ },
  { name: 'kustomization cycle through a symlink', files: { 'base/kustomization.yaml': 'resources:\n- up\n' }, symlinks: { 'base/up': '../base' }, app: 'base', code: 'InvalidArgument', message: /^base\/kustomization\.yaml: cycle detected: base -> base/ },
  { name: 'absurdly deep nesting', files: { 'a.yaml': `${cm('x')}data:\n  a: ${'['.repeat(20000)}${']'.repeat(20000)}\n` }, code: 'InvalidArgument', message: /^a\.yaml:6: cannot parse YAML/ },
  { name: 'buildMetadata (needs the external engine)', files: { 'kustomization.yaml': 'buildMetadata: [originAnnotations]\n' }, code: 'Unimplemented', message: /buildMetadata is not supported/ },
  {
    name: 'billion laughs',
    files: {
      'a.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\nx:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n',
    },
    code: 'ResourceExhausted',
    message: /^a\.yaml:\d+: YAML aliases expand to more than/,
  },
];

describe('render errors name the file and line', () => {
  for (const c of cases) {
    it(`fails on ${c.name} with ${c.code}`, () => {
      let caught: unknown;
      try {
        render(tree(c.files, c.symlinks), c.app ?? '', {}, c.limits ?? {});
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RenderError);
      const err = caught as RenderError;
      expect({ code: err.code, message: err.message }).toMatchObject({ code: c.code, message: expect.stringMatching(c.message) });
      expect(err.file).toBeDefined();
    });
  }
});
