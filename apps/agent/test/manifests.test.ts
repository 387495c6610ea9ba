// `flotilla-agent manifests` prints the objects the Helm chart renders: checked against the chart's checked-in
// renderings (which the testkit proves are the chart's own output), against the chart rendered afresh by Go
// text/template + sprig where Go is installed, and through the real command line.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { tempDir } from '@flotilla/testkit';
import type { TempDir } from '@flotilla/testkit';
import { chart, defaultValues } from '../src/manifests/defaults.js';
import { renderManifests } from '../src/manifests/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHART = path.resolve(here, '../../../deploy/helm/flotilla-agent');
const BIN = path.resolve(here, '../bin/flotilla-agent.mjs');
const read = (rel: string) => readFileSync(path.join(CHART, rel), 'utf8');

/** What a rendering means: every document's `# Source:` and object, in order. */
function meaning(text: string): { source: string | undefined; object: unknown }[] {
  return text
    .split(/^---$/m)
    .filter((d) => d.trim() !== '')
    .map((d) => ({ source: /^# Source: (.+)$/m.exec(d)?.[1], object: parseAllDocuments(d)[0]?.toJS() }));
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const setups = [
  ['default', 'flotilla-agent', 'flotilla-system'],
  ['cluster', 'agent', 'flotilla'],
  ['namespaced', 'edge', 'flotilla-edge'],
] as const;

describe('flotilla-agent manifests', () => {
  it("compiles in exactly the chart's values.yaml defaults and Chart.yaml versions", () => {
    expect(defaultValues).toEqual(parse(read('values.yaml')));
    const meta = parse(read('Chart.yaml')) as { name: string; version: string; appVersion: string };
    expect(chart).toEqual({ name: meta.name, version: meta.version, appVersion: meta.appVersion });
  });

  it.each(setups)('prints the objects of tests/expected-%s.yaml (helm template of the chart)', (name, release, namespace) => {
    const values = parse(read(`tests/values-${name}.yaml`)) as Record<string, unknown>;
    expect(meaning(renderManifests(values, { name: release, namespace }))).toEqual(meaning(read(`tests/expected-${name}.yaml`)));
  });

  it('prints the same through the real command line, reading --values files as helm -f does', async () => {
    const out = await run(process.execPath, [BIN, 'manifests', '--values', path.join(CHART, 'tests/values-namespaced.yaml'), '--namespace', 'flotilla-edge', '--release-name', 'edge']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(meaning(out.stdout)).toEqual(meaning(read('tests/expected-namespaced.yaml')));
  });

  it.each([
    ['rbac: {scope: everywhere}\n', 'values: rbac.scope: "everywhere" is not one of namespaced, cluster'],
    ['allowedNamespaces: ["*"]\n', 'values: allowedNamespaces: "*" (every namespace) needs rbac.scope=cluster'],
    ['allowedKinds: [Widget]\n', 'values: allowedKinds[0]: "Widget" is not a built-in kind the chart knows'],
    ['render: {enableHelm: true}\n', 'values: render.enableHelm: needs render.kustomizeCommand'],
  ])('refuses values the chart refuses: %s', async (extra, message) => {
    const values = parse(`hub: {address: "h:443"}\ncluster: {name: c}\nbootstrap: {token: t}\n${extra}`) as Record<string, unknown>;
    expect(() => renderManifests(values, { name: 'r', namespace: 'n' })).toThrow(message);
  });

  it('exits 2 naming the missing required value', async () => {
    const out = await run(process.execPath, [BIN, 'manifests']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("values: hub.address is required: the hub's gRPC address");
    expect(out.stdout).toBe('');
  });
});

// The same Go text/template + sprig renderer the testkit's chart test builds (Debian's golang-go and sprig packages).
const GOPATH = '/usr/share/gocode';
const goRenderer = ['github.com/Masterminds/sprig', 'sigs.k8s.io/yaml'].every((p) => existsSync(path.join(GOPATH, 'src', p)));

describe.skipIf(!goRenderer)('flotilla-agent manifests against the chart rendered by Go text/template and sprig', () => {
  let work: TempDir;
  let renderer: string;

  beforeAll(async () => {
    work = await tempDir('flotilla-manifests-go-');
    renderer = path.join(work.path, 'helm-render');
    const built = await run('go', ['build', '-o', renderer, path.join(CHART, 'tests/render/main.go')], { GO111MODULE: 'off', GOPATH, GOCACHE: path.join(work.path, 'gocache'), HOME: work.path });
    if (built.code !== 0) throw new Error(`building tests/render/main.go: ${built.stderr}`);
  }, 120_000);

  afterAll(async () => {
    await work?.cleanup();
  });

  it.each(setups)('agrees with the chart for the %s values', async (name, release, namespace) => {
    const file = path.join(CHART, `tests/values-${name}.yaml`);
    const helm = await run(renderer, [CHART, release, namespace, file]);
    expect(helm.code).toBe(0);
    expect(meaning(renderManifests(parse(readFileSync(file, 'utf8')) as Record<string, unknown>, { name: release, namespace }))).toEqual(meaning(helm.stdout));
  });
});
