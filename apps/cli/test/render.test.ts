// `flotilla render`, run as a user runs it: the workspace bin spawned as a child process.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'flotilla.mjs');

function run(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
  mkdirSync(join(repo, 'apps', 'shop'), { recursive: true });
  writeFileSync(join(repo, 'apps', 'shop', 'kustomization.yaml'), 'namePrefix: shop-\nresources:\n- cm.yaml\n');
  writeFileSync(
    join(repo, 'apps', 'shop', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  cluster: ${cluster.name}\n  region: ${cluster.labels.region}\n  stage: ${stage:=dev}\n',
  );
  mkdirSync(join(repo, 'broken'));
  writeFileSync(join(repo, 'broken', 'kustomization.yaml'), 'resources:\n- missing.yaml\n');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('flotilla render', () => {
  it('renders an overlay that reaches ../base as kubectl kustomize does, from the git work tree around it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'flotilla-cli-git-'));
    try {
      mkdirSync(join(work, 'base'));
      mkdirSync(join(work, 'overlays', 'prod'), { recursive: true });
      mkdirSync(join(work, 'node_modules'));
      writeFileSync(join(work, '.gitignore'), 'node_modules/\n');
      writeFileSync(join(work, 'node_modules', 'junk.yaml'), 'not: [yaml');
      writeFileSync(join(work, 'base', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
      writeFileSync(join(work, 'base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n');
      writeFileSync(join(work, 'overlays', 'prod', 'kustomization.yaml'), 'namePrefix: prod-\nresources:\n- ../../base\n');
      await new Promise<void>((done, fail) => execFile('git', ['init', '-q'], { cwd: work }, (e) => (e ? fail(e) : done())));
      const result = await run(['render', join(work, 'overlays', 'prod')]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const kubectl = await new Promise<string>((done, fail) =>
        execFile('kubectl', ['kustomize', join(work, 'overlays', 'prod')], (e, out) => (e ? fail(e) : done(out))),
      ).catch(() => undefined);
      if (kubectl === undefined) console.warn('kubectl not found: comparing against the expected text only');
      expect(result.stdout).toBe(kubectl ?? 'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  name: prod-settings\n');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('outside a git work tree, renders bases anywhere on disk as kubectl kustomize does, and says how to get the agent view', async () => {
    const work = mkdtempSync(join(tmpdir(), 'flotilla-cli-nogit-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'flotilla-cli-elsewhere-'));
    try {
      mkdirSync(join(work, 'base'));
      mkdirSync(join(work, 'overlays', 'prod'), { recursive: true });
      writeFileSync(join(work, 'base', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
      writeFileSync(join(work, 'base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n');
      writeFileSync(join(elsewhere, 'kustomization.yaml'), 'namePrefix: shared-\nresources:\n- sa.yaml\n');
      writeFileSync(join(elsewhere, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n');
      writeFileSync(join(work, 'overlays', 'prod', 'kustomization.yaml'), `namePrefix: prod-\nresources:\n- ../../base\n- ${join('..', '..', '..', elsewhere.split('/').pop() as string)}\n`);
      const result = await run(['render', join(work, 'overlays', 'prod')]);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/is not inside a git work tree, so it is rendered as `kustomize build` reads it/);
      expect(result.stderr).toMatch(/--app-path/);
      const expected = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prod-shared-runner\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-settings\n';
      const kubectl = await new Promise<string>((done, fail) =>
        execFile('kubectl', ['kustomize', join(work, 'overlays', 'prod')], (e, out) => (e ? fail(e) : done(out))),
      ).catch(() => undefined);
      expect(result.stdout).toBe(kubectl ?? expected);
      expect(result.stdout).toBe(expected);
      // The agent's view (the directory as the repository root) refuses the same overlay.
      const strict = await run(['render', work, '--app-path', 'overlays/prod']);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toMatch(/leaves the repository root/);
      // A file outside the kustomization's own directory is refused, as kustomize refuses it.
      writeFileSync(join(work, 'overlays', 'prod', 'kustomization.yaml'), 'resources:\n- ../../base\n- ../../base/cm.yaml\n');
      const outside = await run(['render', join(work, 'overlays', 'prod')]);
      expect(outside.code).toBe(1);
      expect(outside.stderr).toMatch(/security; file "[^"]*base\/cm\.yaml" is not in or below/);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('prints the YAML stream with per-cluster parameters substituted', async () => {
    const r = await run(['render', repo, '--app-path', 'apps/shop', '--cluster', 'prod-eu-1', '--label', 'region=eu-west-1', '--stage', 'prod']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: 'apiVersion: v1\ndata:\n  cluster: prod-eu-1\n  region: eu-west-1\n  stage: prod\nkind: ConfigMap\nmetadata:\n  name: shop-settings\n',
    });
  });

  it('exits non-zero with the error, file and all, on stderr when the build fails', async () => {
    const r = await run(['render', join(repo, 'broken')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: kustomization\.yaml:2: resource "missing\.yaml" does not exist/m);
  });

  it('fails on an unknown variable when the cluster is not given', async () => {
    const r = await run(['render', repo, '--app-path', 'apps/shop']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown variable \$\{cluster\.name\}/);
  });

  it('shows help, and rejects bad usage with exit code 2', async () => {
    const [help, noDir, badLabel, unknown] = await Promise.all([
      run(['--help']),
      run(['render']),
      run(['render', repo, '--label', 'novalue']),
      run(['frobnicate']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/render DIR/);
    expect([noDir.code, badLabel.code, unknown.code]).toEqual([2, 2, 2]);
    expect(badLabel.stderr).toMatch(/--label must be key=value/);
  });

  it('works as `npx flotilla` from the repository root', async () => {
    const root = join(dirname(bin), '..', '..', '..');
    const r = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile('npx', ['--no-install', 'flotilla', 'render', join(repo, 'apps', 'shop'), '--cluster', 'c', '--label', 'region=r'], { cwd: root, encoding: 'utf8' }, (err, stdout) =>
        resolve({ code: err === null ? 0 : 1, stdout }),
      );
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: shop-settings');
  });
});
