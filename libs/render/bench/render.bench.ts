// Benchmark (not a test): render time of an overlay producing 1,000 and 4,000 objects, built-in engine vs `kubectl
// kustomize` on the same tree written to a temp dir, reported as a ratio measured in the same run.
// Run: npm run bench -w @flotilla/render [-- --objects 1000,4000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readTreeFromDirectory, render } from '../src/index.js';

const at = process.argv.indexOf('--objects');
const SIZES = (at > 0 ? (process.argv[at + 1] ?? '') : '1000,4000').split(',').map(Number);

// Each app: Deployment, Service, ServiceAccount and a generated ConfigMap, so objects = 4 x APPS.
function baseFiles(APPS: number): Record<string, string> {
  const files: Record<string, string> = {};
  const resources: string[] = [];
  const generators: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const n = `svc-${String(i).padStart(3, '0')}`;
    resources.push(`- ${n}.yaml`);
    files[`base/${n}.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${n}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${n}}
  template:
    metadata:
      labels: {app: ${n}}
    spec:
      serviceAccountName: ${n}
      containers:
      - name: app
        image: registry.example.com/${n}:1.0.${i}
        args: ["--port=8080", "--name=${n}"]
        envFrom:
        - configMapRef: {name: ${n}-config}
        ports:
        - containerPort: 8080
        resources:
          requests: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: ${n}
spec:
  selector: {app: ${n}}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${n}
`;
    generators.push(`- name: ${n}-config\n  literals:\n  - SERVICE=${n}\n  - LOG_LEVEL=info`);
  }
  files['base/kustomization.yaml'] = `resources:\n${resources.join('\n')}\nconfigMapGenerator:\n${generators.join('\n')}\n`;
  files['overlay/kustomization.yaml'] = `resources:
- ../base
namespace: prod
namePrefix: prod-
labels:
- pairs: {env: prod}
  includeSelectors: true
commonAnnotations:
  owner: platform
images:
- name: registry.example.com/svc-001
  newTag: 2.0.0
patches:
- target: {kind: Deployment}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      replicas: 3
      template:
        spec:
          containers:
          - name: app
            env:
            - name: STAGE
              value: prod
`;
  return files;
}

function time(fn: () => void, runs: number): number {
  fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

const results: { objects: number; builtinMs: number; kubectlMs: number | null; identical: boolean | null }[] = [];
for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
  try {
    for (const [path, text] of Object.entries(baseFiles(size / 4))) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const tree = await readTreeFromDirectory(dir);
    const objects = render(tree, 'overlay').objects.length;
    const builtin = time(() => render(tree, 'overlay'), size > 1000 ? 3 : 10);
    let kubectl: number | undefined;
    let kubectlOut = '';
    try {
      kubectl = time(() => {
        kubectlOut = execFileSync('kubectl', ['kustomize', join(dir, 'overlay')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
      }, size > 1000 ? 2 : 3);
    } catch (_e) {
      kubectl = undefined;
    }
    console.log(`overlay producing ${objects} objects (median of runs)`);
    console.log(`  built-in engine (in process):  ${builtin.toFixed(1)} ms`);
    if (kubectl === undefined) console.log('  kubectl kustomize: not on PATH, no baseline');
    else {
      console.log(`  kubectl kustomize (process):   ${kubectl.toFixed(1)} ms`);
      console.log(`  ratio built-in / kubectl:      ${(builtin / kubectl).toFixed(3)}`);
      console.log(`  identical output:              ${render(tree, 'overlay').yaml === kubectlOut ? 'yes' : 'NO'}`);
    }
    results.push({ objects, builtinMs: builtin, kubectlMs: kubectl ?? null, identical: kubectl === undefined ? null : render(tree, 'overlay').yaml === kubectlOut });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// Machine-readable line for bench/run.ts.
console.log(`BENCH_JSON ${JSON.stringify({ results })}`);
