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
  /** The exact "file:line" (or bare "file") the message starts with. */
  at: string;
  message: RegExp;
}

const example = 'resources:\n- cm.yaml\n- missing.yaml\npatches:\n- path: nope.yaml\nimages:\n- name: x\n  newTag: [1]\n';
const jsonPatch = 'resources:\n- a.yaml\npatches:\n- target: {kind: ConfigMap}\n  path: p.yaml\n';

// `at` is the exact prefix before ": ": "file:line" where the problem has a line, the bare file where it has none
// (limits counted over a whole file, a directory, the app path).
const cases: Case[] = [
  { name: 'object without apiVersion', files: { 'a.yaml': `${cm('ok')}---\nkind: ConfigMap\nmetadata:\n  name: x\n` }, code: 'InvalidArgument', at: 'a.yaml:6', message: /document 2 has no apiVersion/ },
  { name: 'object without kind', files: { 'a.yaml': 'apiVersion: v1\nmetadata:\n  name: x\n' }, code: 'InvalidArgument', at: 'a.yaml:1', message: /document 1 has no kind/ },
  { name: 'object without metadata.name', files: { 'd/a.yaml': '\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }, app: 'd', code: 'InvalidArgument', at: 'd/a.yaml:3', message: /document 1 \(ConfigMap\) has no metadata\.name/ },
  { name: 'List item without name', files: { 'l.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {}\n' }, code: 'InvalidArgument', at: 'l.yaml:4', message: /document 1, items\[0\] \(ConfigMap\) has no metadata\.name/ },
  { name: 'YAML syntax error', files: { 'a.yaml': 'apiVersion: v1\nkind: [unclosed\n' }, code: 'InvalidArgument', at: 'a.yaml:3', message: /cannot parse YAML/ },
  { name: 'duplicate key', files: { 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n' }, code: 'InvalidArgument', at: 'a.yaml:3', message: /mapping key "kind" already defined/ },
  { name: 'unknown kustomization field', files: { 'kustomization.yaml': 'resourcez:\n- a.yaml\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:1', message: /unknown field "resourcez"/ },
  { name: 'unknown kustomization field below the first line', files: { 'kustomization.yaml': 'resources: []\nnamePrefx: a-\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:2', message: /unknown field "namePrefx"/ },
  { name: 'ill-typed image tag', files: { 'app/kustomization.yaml': example, 'app/cm.yaml': cm('a') }, app: 'app', code: 'InvalidArgument', at: 'app/kustomization.yaml:8', message: /images\[0\]\.newTag must be a string$/ },
  { name: 'image without a name', files: { 'kustomization.yaml': 'images:\n- newTag: v1\n- newName: y\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:2', message: /images\[0\]\.name is required/ },
  { name: 'number where a string belongs', files: { 'kustomization.yaml': 'resources: []\nnamePrefix: 1\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:2', message: /namePrefix must be a string, but YAML reads 1 as a number/ },
  { name: 'resources that are not a list', files: { 'kustomization.yaml': 'namespace: x\nresources: a.yaml\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:2', message: /resources must be a list of strings/ },
  { name: 'label value that is not a string', files: { 'kustomization.yaml': 'commonLabels:\n  a: b\n  c: yes\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:3', message: /commonLabels\.c must be a string/ },
  { name: 'patch with both path and patch', files: { 'kustomization.yaml': 'resources: []\npatches:\n- path: a.yaml\n  patch: "x: y"\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:3', message: /patches\[0\] must have exactly one of path and patch/ },
  { name: 'missing resource', files: { 'kustomization.yaml': 'resources:\n- nope.yaml\n' }, code: 'NotFound', at: 'kustomization.yaml:2', message: /resource "nope\.yaml" does not exist/ },
  { name: 'missing resource after others', files: { 'app/kustomization.yaml': example.replace(/images:[^]*/, ''), 'app/cm.yaml': cm('a') }, app: 'app', code: 'NotFound', at: 'app/kustomization.yaml:3', message: /resource "missing\.yaml" does not exist/ },
  { name: 'missing base', files: { 'kustomization.yaml': 'resources: []\nbases:\n- ../nope\n' }, code: 'PermissionDenied', at: 'kustomization.yaml:3', message: /path "\.\.\/nope" leaves the repository root/ },
  { name: 'resource path leaving the root', files: { 'app/kustomization.yaml': 'resources:\n- ../../etc\n' }, app: 'app', code: 'PermissionDenied', at: 'app/kustomization.yaml:2', message: /path "\.\.\/\.\.\/etc" leaves the repository root/ },
  { name: 'resource file outside the kustomization directory', files: { 'app/kustomization.yaml': 'resources:\n- ../cm.yaml\n', 'cm.yaml': cm('a') }, app: 'app', code: 'PermissionDenied', at: 'app/kustomization.yaml:2', message: /security; file "cm\.yaml" is not in or below "app"/ },
  { name: 'patch file outside the kustomization directory', files: { 'app/kustomization.yaml': 'resources:\n- cm.yaml\npatches:\n- path: ../p.yaml\n', 'app/cm.yaml': cm('a'), 'p.yaml': cm('a') }, app: 'app', code: 'PermissionDenied', at: 'app/kustomization.yaml:4', message: /security; file "p\.yaml" is not in or below "app"/ },
  { name: 'generator file outside the kustomization directory', files: { 'app/kustomization.yaml': 'configMapGenerator:\n- name: g\n  files:\n  - ../x.txt\n', 'x.txt': 'x' }, app: 'app', code: 'PermissionDenied', at: 'app/kustomization.yaml:4', message: /security; file "x\.txt" is not in or below "app"/ },
  { name: 'unknown field inside a kustomization entry', files: { 'kustomization.yaml': 'resources: []\nimages:\n- name: x\n  newtagz: v\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:4', message: /unknown field "newtagz" in images\[0\]/ },
  { name: 'kustomization of another apiVersion', files: { 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1\nresources: []\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:1', message: /apiVersion for Kustomization should be kustomize\.config\.k8s\.io\/v1beta1/ },
  { name: 'component of the Kustomization apiVersion', files: { 'kustomization.yaml': 'components: [c]\n', 'c/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\n' }, code: 'InvalidArgument', at: 'c/kustomization.yaml:1', message: /apiVersion for Component should be kustomize\.config\.k8s\.io\/v1alpha1/ },
  { name: 'replacement target field that does not exist', files: { 'kustomization.yaml': 'resources: [a.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: a, fieldPath: data.k}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [spec.missing]\n', 'a.yaml': cm('a', 'data:\n  k: v\n') }, code: 'InvalidArgument', at: 'kustomization.yaml:3', message: /unable to find field "spec\.missing" in replacement target ConfigMap a/ },
  { name: 'replacement source that selects nothing', files: { 'kustomization.yaml': 'resources: [a.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: nope}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.k]\n', 'a.yaml': cm('a') }, code: 'NotFound', at: 'kustomization.yaml:3', message: /replacement source: nothing selected by ConfigMap nope/ },
  { name: 'replacement source without the field', files: { 'kustomization.yaml': 'resources: [a.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: a, fieldPath: data.nope}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.k]\n', 'a.yaml': cm('a') }, code: 'NotFound', at: 'kustomization.yaml:3', message: /fieldPath `data\.nope` is missing for replacement source ConfigMap a/ },
  { name: 'replacement source that selects two objects', files: { 'kustomization.yaml': 'resources: [a.yaml]\nreplacements:\n- source: {kind: ConfigMap}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.k]\n'.replace('[a.yaml]', '[a.yaml, b.yaml]'), 'a.yaml': cm('a'), 'b.yaml': cm('b') }, code: 'InvalidArgument', at: 'kustomization.yaml:3', message: /replacement source: multiple matches for ConfigMap/ },
  { name: 'an exec or KRM function transformer needs the external engine', files: { 'kustomization.yaml': 'resources: []\ntransformers:\n- fn.yaml\n', 'fn.yaml': 'apiVersion: example.com/v1\nkind: MyTransformer\nmetadata:\n  name: x\n  annotations:\n    config.kubernetes.io/function: |\n      container: {image: x}\n' }, code: 'Unimplemented', at: 'fn.yaml:1', message: /field "transformers": example\.com\/v1 MyTransformer is an exec or KRM function plugin .* needs the external engine/ },
  { name: 'a generator of no builtin kind needs the external engine', files: { 'kustomization.yaml': 'resources: []\ngenerators:\n- g.yaml\n', 'g.yaml': 'apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n  name: x\n' }, code: 'Unimplemented', at: 'g.yaml:1', message: /field "generators": builtin HelmChartInflationGenerator/ },
  { name: 'PrefixSuffixTransformer without fieldSpecs', files: { 'kustomization.yaml': 'resources: []\ntransformers:\n- p.yaml\n', 'p.yaml': 'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: x\nprefix: a-\n' }, code: 'InvalidArgument', at: 'p.yaml:1', message: /fieldSpecs is not expected to be nil/ },
  { name: 'buildMetadata transformerAnnotations needs the external engine', files: { 'kustomization.yaml': 'resources: []\nbuildMetadata:\n- managedByLabel\n- transformerAnnotations\n' }, code: 'Unimplemented', at: 'kustomization.yaml:4', message: /buildMetadata transformerAnnotations/ },
  { name: 'legacySortOptions with the fifo order', files: { 'kustomization.yaml': 'resources: []\nsortOptions:\n  order: fifo\n  legacySortOptions: {orderFirst: [Service]}\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:4', message: /the field 'sortOptions\.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'/ },
  { name: 'a var defined twice through a diamond of bases', files: { 'd/kustomization.yaml': 'resources: [../a, ../b]\n', 'a/kustomization.yaml': 'namePrefix: a-\nresources: [../base]\n', 'b/kustomization.yaml': 'namePrefix: b-\nresources: [../base]\n', 'base/kustomization.yaml': 'resources: [cm.yaml]\nvars:\n- name: V\n  objref: {kind: ConfigMap, name: c, apiVersion: v1}\n', 'base/cm.yaml': cm('c') }, app: 'd', code: 'InvalidArgument', at: 'base/kustomization.yaml:3', message: /var "V" already encountered/ },
  { name: 'a var whose object does not exist', files: { 'kustomization.yaml': 'resources: [cm.yaml]\nvars:\n- name: V\n  objref: {kind: ConfigMap, name: nope, apiVersion: v1}\n', 'cm.yaml': cm('c') }, code: 'NotFound', at: 'kustomization.yaml:3', message: /var "V": found 0 objects matching ConfigMap nope/ },
  { name: 'custom namePrefix field specs need the external engine', files: { 'kustomization.yaml': 'resources: []\nconfigurations: [c.yaml]\n', 'c.yaml': 'namePrefix:\n- path: metadata/name\n' }, code: 'Unimplemented', at: 'c.yaml:1', message: /configurations: custom namePrefix field specs/ },
  { name: 'absolute resource path', files: { 'kustomization.yaml': 'resources:\n- /etc/passwd\n' }, code: 'PermissionDenied', at: 'kustomization.yaml:2', message: /absolute/ },
  { name: 'remote base', files: { 'kustomization.yaml': 'resources:\n- https://github.com/org/repo//deploy?ref=v1\n' }, code: 'PermissionDenied', at: 'kustomization.yaml:2', message: /remote resource .* is refused/ },
  { name: 'remote base under a field name in another case', files: { 'kustomization.yaml': 'Resources:\n- https://github.com/org/repo//deploy?ref=v1\n' }, code: 'PermissionDenied', at: 'kustomization.yaml:2', message: /remote resource .* is refused/ },
  { name: 'github shorthand base', files: { 'kustomization.yaml': 'bases:\n- ./local\n- github.com/org/repo/deploy\n', 'local/kustomization.yaml': 'resources: []\n' }, code: 'PermissionDenied', at: 'kustomization.yaml:3', message: /remote resource/ },
  { name: 'remote component', files: { 'kustomization.yaml': 'components:\n- git@github.com:org/repo.git\n' }, code: 'PermissionDenied', at: 'kustomization.yaml:2', message: /remote component/ },
  { name: 'missing component', files: { 'kustomization.yaml': 'resources: []\ncomponents:\n- comp\n' }, code: 'NotFound', at: 'kustomization.yaml:3', message: /component "comp" is not a directory/ },
  { name: 'kustomization listed as a component', files: { 'kustomization.yaml': 'components:\n- comp\n', 'comp/kustomization.yaml': 'resources: []\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:2', message: /comp\/kustomization\.yaml is a Kustomization; components must have kind Component/ },
  { name: 'directory without a kustomization', files: { 'kustomization.yaml': 'resources:\n- d\n', 'd/a.yaml': cm('a') }, code: 'NotFound', at: 'kustomization.yaml:2', message: /unable to find one of 'kustomization\.yaml'/ },
  { name: 'symlink leaving the root', files: { 'kustomization.yaml': 'resources:\n- link.yaml\n' }, symlinks: { 'link.yaml': '../../etc/passwd' }, code: 'PermissionDenied', at: 'kustomization.yaml:2', message: /symbolic link "link\.yaml" points outside the repository/ },
  { name: 'absolute symlink', files: { 'kustomization.yaml': 'resources:\n- link.yaml\n' }, symlinks: { 'link.yaml': '/etc/passwd' }, code: 'PermissionDenied', at: 'kustomization.yaml:2', message: /points outside the repository/ },
  { name: 'symlink loop', files: { 'kustomization.yaml': 'resources:\n- a\n' }, symlinks: { a: 'b', b: 'a' }, code: 'InvalidArgument', at: 'kustomization.yaml:2', message: /too many levels of symbolic links/ },
  { name: 'kustomization cycle', files: { 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n' }, app: 'a', code: 'InvalidArgument', at: 'b/kustomization.yaml:2', message: /cycle detected: a -> b -> a/ },
  { name: 'duplicate object id', files: { 'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', 'a.yaml': cm('x'), 'b.yaml': cm('x') }, code: 'InvalidArgument', at: 'b.yaml:1', message: /may not add resource with an already registered id: ConfigMap x/ },
  { name: 'helm charts need the external engine', files: { 'kustomization.yaml': 'resources: []\nhelmCharts:\n- name: x\n' }, code: 'Unimplemented', at: 'kustomization.yaml:2', message: /helmCharts needs the external engine/ },
  { name: 'patch file that does not exist', files: { 'app/kustomization.yaml': example.replace(/images:[^]*/, '').replace('- missing.yaml\n', ''), 'app/cm.yaml': cm('a') }, app: 'app', code: 'NotFound', at: 'app/kustomization.yaml:4', message: /"app\/nope\.yaml" does not exist/ },
  { name: 'patch file that does not parse', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- path: p.yaml\n', 'a.yaml': cm('a'), 'p.yaml': 'kind: ConfigMap\nmetadata: [x\n' }, code: 'InvalidArgument', at: 'p.yaml:3', message: /cannot parse YAML/ },
  { name: 'inline patch that does not parse', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    kind: [x\n', 'a.yaml': cm('a') }, code: 'InvalidArgument', at: 'kustomization.yaml:5', message: /cannot parse YAML/ },
  { name: 'legacy strategic merge patch file that does not exist', files: { 'kustomization.yaml': 'resources: []\npatchesStrategicMerge:\n- p.yaml\n' }, code: 'NotFound', at: 'kustomization.yaml:3', message: /"p\.yaml" does not exist/ },
  { name: 'invalid label selector in a patch target', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- path: p.yaml\n  target:\n    kind: ConfigMap\n    labelSelector: "a in (b"\n', 'a.yaml': cm('a'), 'p.yaml': cm('a') }, code: 'InvalidArgument', at: 'kustomization.yaml:7', message: /cannot parse selector "a in \(b"/ },
  { name: 'invalid pattern in a patch target', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatchesJson6902:\n- target:\n    kind: ConfigMap\n    name: "a("\n  path: p.yaml\n', 'a.yaml': cm('a'), 'p.yaml': '[]\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:6', message: /target pattern "a\(" is not a valid regular expression/ },
  { name: 'strategic merge patch without a match', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- path: p.yaml\n', 'a.yaml': cm('a'), 'p.yaml': cm('b', 'data:\n  x: y\n') }, code: 'NotFound', at: 'p.yaml:1', message: /no resource matches strategic merge patch ConfigMap b/ },
  { name: 'inline JSON patch on a missing path', files: { 'kustomization.yaml': 'resources:\n- a.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - op: replace\n      path: /data/x\n      value: 1\n', 'a.yaml': cm('a') }, code: 'InvalidArgument', at: 'kustomization.yaml:5', message: /JSON patch operation 0 \(replace \/data\/x\)/ },
  { name: 'JSON patch file operation on a missing path', files: { 'kustomization.yaml': jsonPatch, 'a.yaml': cm('a'), 'p.yaml': '- op: add\n  path: /data\n  value: {}\n- op: remove\n  path: /data/x\n' }, code: 'InvalidArgument', at: 'p.yaml:4', message: /JSON patch operation 1 \(remove \/data\/x\)/ },
  { name: 'JSON patch file operation without a path', files: { 'kustomization.yaml': jsonPatch, 'a.yaml': cm('a'), 'p.yaml': '- op: add\n  path: /data\n  value: {}\n- op: remove\n' }, code: 'InvalidArgument', at: 'p.yaml:4', message: /JSON patch operation 1 needs "op" and "path"/ },
  { name: 'env file line without "="', files: { 'kustomization.yaml': 'configMapGenerator:\n- name: c\n  envs: [e.env]\n', 'e.env': 'A=1\nHOME\n' }, code: 'InvalidArgument', at: 'e.env:2', message: /"HOME" has no "="/ },
  { name: 'missing env file', files: { 'kustomization.yaml': 'configMapGenerator:\n- name: c\n  envs:\n  - a.env\n  - e.env\n', 'a.env': 'A=1\n' }, code: 'NotFound', at: 'kustomization.yaml:5', message: /"e\.env" does not exist/ },
  { name: 'missing generator file', files: { 'kustomization.yaml': 'secretGenerator:\n- name: s\n  files:\n  - key=f.txt\n' }, code: 'NotFound', at: 'kustomization.yaml:4', message: /"f\.txt" does not exist/ },
  { name: 'generator literal without "="', files: { 'kustomization.yaml': 'configMapGenerator:\n- name: c\n  literals:\n  - A=1\n  - B\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:5', message: /literal "B" must be KEY=VALUE/ },
  { name: 'generator without a name', files: { 'kustomization.yaml': 'configMapGenerator:\n- name: c\n- literals: [A=1]\n' }, code: 'InvalidArgument', at: 'kustomization.yaml:3', message: /configMapGenerator\[1\] has no name/ },
  { name: 'generator clashing with a resource', files: { 'kustomization.yaml': 'resources:\n- a.yaml\nconfigMapGenerator:\n- name: a\n', 'a.yaml': cm('a') }, code: 'InvalidArgument', at: 'kustomization.yaml:4', message: /ConfigMap "a" already exists/ },
  { name: 'replicas naming no workload', files: { 'kustomization.yaml': 'resources: []\nreplicas:\n- name: web\n  count: 2\n' }, code: 'NotFound', at: 'kustomization.yaml:3', message: /replicas: no Deployment/ },
  { name: 'unknown parameter', files: { 'a.yaml': `${cm('a')}data:\n  x: \${cluster.labels.region}\n` }, code: 'InvalidArgument', at: 'a.yaml:6', message: /unknown variable \$\{cluster\.labels\.region\} at data\.x/ },
  { name: 'app path that is not a directory', files: { 'a.yaml': cm('a') }, app: 'missing', code: 'NotFound', at: 'missing', message: /app path "missing" is not a directory/ },
  { name: 'too many files', files: { 'a.yaml': cm('a'), 'b.yaml': cm('b'), 'c.yaml': cm('c') }, limits: { maxFiles: 2 }, code: 'ResourceExhausted', at: 'c.yaml', message: /more than 2 files read/ },
  { name: 'too many bytes', files: { 'a.yaml': cm('a'), 'b.yaml': cm('b') }, limits: { maxTotalBytes: 60 }, code: 'ResourceExhausted', at: 'b.yaml', message: /more than 60 bytes read/ },
  { name: 'too many objects', files: { 'a.yaml': `${cm('a')}---\n${cm('b')}---\n${cm('c')}` }, limits: { maxObjects: 2 }, code: 'ResourceExhausted', at: 'a.yaml', message: /more than 2 objects/ },
  { name: 'namespace collapsing two objects into one id', files: { 'kustomization.yaml': 'resources:\n- a.yaml\nnamespace: one\n', 'a.yaml': `${cm('x')}  namespace: a\n---\n${cm('x')}  namespace: b\n` }, code: 'InvalidArgument', at: 'kustomization.yaml:3', message: /namespace transformation produces ID conflict: ConfigMap one\/x/ },
  { name: 'two kustomization files in one directory', files: { 'app/kustomization.yaml': 'resources: []\n', 'app/kustomization.yml': 'resources: []\n' }, app: 'app', code: 'InvalidArgument', at: 'app/kustomization.yaml', message: /found multiple kustomization files/ },
  { name: 'plain directory looping through a symlink', files: { 'app/a.yaml': cm('a') }, symlinks: { 'app/loop': '..' }, app: 'app', code: 'InvalidArgument', at: 'app/loop/app', message: /directory "app\/loop\/app" loops back to "app" through a symbolic link/ },
  { name: 'kustomization cycle through a symlink', files: { 'base/kustomization.yaml': 'resources:\n- up\n' }, symlinks: { 'base/up': '../base' }, app: 'base', code: 'InvalidArgument', at: 'base/kustomization.yaml:2', message: /cycle detected: base -> base/ },
  { name: 'absurdly deep nesting', files: { 'a.yaml': `${cm('x')}data:\n  a: ${'['.repeat(20000)}${']'.repeat(20000)}\n` }, code: 'InvalidArgument', at: 'a.yaml:6', message: /cannot parse YAML/ },
  {
    name: 'billion laughs',
    files: {
      'a.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\nx:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n',
    },
    code: 'ResourceExhausted',
    at: 'a.yaml:6',
    message: /YAML aliases expand to more than/,
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
      expect(err.message.startsWith(`${c.at}: `) ? c.at : err.message).toBe(c.at);
      expect(err.line === undefined ? err.file : `${err.file}:${err.line}`).toBe(c.at);
    });
  }
});
