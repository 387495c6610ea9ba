// Differential test: every fixture rendered by the built-in engine and by the real kustomize (kubectl) must be identical.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RenderError, readTreeFromDirectory, render, renderWithEngine, renderWithKustomizeBinary } from '../src/index.js';
import { fixtureDir, listFixtures } from './fixtures.js';
import { scenario, scenarioFiles } from './random-kustomize.js';
import { chain, chainFiles } from './random-chains.js';

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch (_e) {
    return false;
  }
}

const available = kubectlAvailable();
if (!available) console.warn('differential test SKIPPED: kubectl is not on PATH (it runs on CI and wherever kubectl is installed)');

describe.skipIf(!available)('built-in engine vs kubectl kustomize (differential)', () => {
  for (const f of listFixtures()) {
    it(`${f.name}: identical bytes and objects from the built-in and the kustomize-binary engines`, async () => {
      const tree = await readTreeFromDirectory(join(fixtureDir, f.name));
      const theirs = await renderWithEngine({ engine: 'kustomize-binary' }, tree, f.app);
      const ours = await renderWithEngine({ engine: 'builtin' }, tree, f.app);
      const raw = execFileSync('kubectl', ['kustomize', join(fixtureDir, f.name, f.app)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(ours.yaml).toBe(raw);
      expect(ours.yaml).toBe(theirs.yaml);
      expect(ours.objects).toEqual(theirs.objects);
    });
  }

  // Byte equality with kubectl is also the go-yaml round trip: kustomize prints exactly what go-yaml reads back, so no
  // check through our own decoder (which shares its scalar rules with the emitter) is needed.
  it('emits random strings, keys (any printable text) and numbers exactly as kustomize does', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: fc.constantFrom(' ', '\n', '\t', ':', '#', '-', '"', "'", 'a', '1', '.', 'y', 'é', '🚀', '0', 'x'), maxLength: 14 }),
      fc.lorem({ maxCount: 30 }),
    );
    const values = fc.sample(text, { numRuns: 400, seed: 42 });
    const keys = fc.sample(fc.stringMatching(/^[a-z][A-Za-z0-9._-]{2,12}$/), { numRuns: 200, seed: 7 });
    const numbers = fc.sample(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.maxSafeInteger()), { numRuns: 100, seed: 3 });
    const anyKeys = fc.sample(fc.dictionary(fc.string({ maxLength: 12 }), text, { maxKeys: 6 }), { numRuns: 60, seed: 11 });
    const data: Record<string, string> = {};
    values.forEach((v, i) => {
      data[`k${String(i).padStart(3, '0')}`] = v;
    });
    const labels: Record<string, string> = {};
    for (const k of keys) labels[k] = 'v';
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'random', annotations: labels }, data, numbers, anyKeys };
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-emit-'));
    try {
      writeFileSync(join(dir, 'cm.json'), JSON.stringify(doc));
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- cm.json\n');
      const theirs = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const tree = await readTreeFromDirectory(dir);
      expect(render(tree, '').yaml).toBe(theirs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the external engine substitutes per-cluster parameters like the built-in one', async () => {
    const tree = { files: new Map([['a/cm.yaml', new TextEncoder().encode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${stage}\ndata:\n  c: ${cluster.name}\n')], ['a/kustomization.yaml', new TextEncoder().encode('resources: [cm.yaml]\n')]]) };
    const params = { cluster: { name: 'eu-1', labels: {} }, stage: 'prod' };
    const theirs = await renderWithKustomizeBinary(tree, 'a', params);
    expect(theirs.yaml).toBe(render(tree, 'a', params).yaml);
    expect(theirs.objects[0]?.metadata.name).toBe('c-prod');
  });

  it('the external engine refuses a symlink leaving the root before running anything', async () => {
    const tree = { files: new Map([['kustomization.yaml', new TextEncoder().encode('resources: [x.yaml]\n')]]), symlinks: new Map([['x.yaml', '../../etc/passwd']]) };
    await expect(renderWithKustomizeBinary(tree, '')).rejects.toMatchObject({ code: 'PermissionDenied' });
  });

  it('the external engine reports a missing binary and a failing build as RenderErrors', async () => {
    const tree = { files: new Map([['kustomization.yaml', new TextEncoder().encode('resources: [missing.yaml]\n')]]) };
    await expect(renderWithKustomizeBinary(tree, '', {}, { command: ['/nonexistent/kustomize', 'build'] })).rejects.toMatchObject({ code: 'FailedPrecondition' });
    const failed = renderWithKustomizeBinary(tree, '');
    await expect(failed).rejects.toBeInstanceOf(RenderError);
    await expect(failed).rejects.toMatchObject({ message: expect.stringMatching(/missing\.yaml/) });
  });

  // Both engines must agree on every case: identical bytes, or both refuse (scripts/fuzz-differential.ts reports the
  // agreement rate over any number of seeds and shows the first differences).
  function agreeOnRandomTrees(cases: { files: Record<string, string>; app: string }[], what: string): void {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-random-'));
    try {
      cases.forEach(({ files, app }, i) => {
        const root = join(dir, String(i));
        for (const [p, text] of Object.entries(files)) {
          mkdirSync(dirname(join(root, p)), { recursive: true });
          writeFileSync(join(root, p), text);
        }
        let theirs: string | undefined;
        try {
          theirs = execFileSync('kubectl', ['kustomize', join(root, app)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        } catch (_e) {
          theirs = undefined;
        }
        const tree = { files: new Map(Object.entries(files).map(([k, v]): [string, Uint8Array] => [k, new TextEncoder().encode(v)])) };
        if (theirs === undefined) expect(() => render(tree, app), `${what} ${i}`).toThrowError(RenderError);
        else expect(render(tree, app).yaml, `${what} ${i}`).toBe(theirs);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('random layered overlays (seeded) render identically, or are rejected by both engines', () => {
    agreeOnRandomTrees(fc.sample(scenario, { numRuns: 15, seed: 20261123 }).map(scenarioFiles), 'scenario');
  });

  it('random overlay chains (seeded: renames at several levels, patches by earlier ids, components, generators) agree', () => {
    agreeOnRandomTrees(fc.sample(chain, { numRuns: 10, seed: 20261203 }).map(chainFiles), 'chain');
  });
});
