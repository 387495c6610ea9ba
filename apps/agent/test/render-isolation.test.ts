// Rendering off the main thread: files read on demand within byte budgets, and a hostile repository (alias bomb by
// bytes, huge scalar, slow or memory-hungry render) fails its own render with the limit named while the agent runs on.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '@flotilla/render';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { renderInWorker } from '../src/render-worker/index.js';
import { Source } from '../src/source/index.js';

const builtin = { engine: 'builtin' } as const;
const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;

describe('render isolation', () => {
  let server: GitServer;
  let dir: TempDir;
  let source: Source;
  /** One repository per case, so no case's hostile files weigh on another's fetch. */
  const commitApp = async (repo: string, files: Record<string, string>) => {
    await server.createRepo(repo);
    return { url: server.repoUrl(repo), commit: await server.commit(repo, files) };
  };

  beforeAll(async () => {
    [server, dir] = await Promise.all([startGitServer(), tempDir('flotilla-render-isolation-')]);
    source = new Source({ cacheDir: `${dir.path}/cache` });
  });

  afterAll(async () => {
    await Promise.all([server?.close(), dir?.cleanup()]);
  });

  it('renders an overlay reading only the files the build refers to, as the renderer does from the whole tree', async () => {
    const files = {
      'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'base/cm.yaml': cm('web', 'data:\n  a: "1"\n'),
      'overlays/prod/kustomization.yaml': 'resources:\n- ../../base\nnamePrefix: prod-\n',
      'docs/big.txt': 'x'.repeat(2 * 1024 * 1024),
    };
    const { url, commit } = await commitApp('overlay', files);
    const checkout = await source.checkout(url, commit, 'overlays/prod');
    const rendered = await renderInWorker(checkout, builtin, { app: 'web' });
    const expected = render({ files: new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)])) }, 'overlays/prod', { app: 'web' });
    expect(rendered.yaml).toBe(expected.yaml);
    expect(rendered.objects.map((o) => o.metadata.name)).toEqual(['prod-web']);
    // The 2 MiB file elsewhere in the repository was never read.
    expect(rendered.bytesRead).toBeLessThan(1024);
  });

  it('answers a resync of the same target from its last render: no worker, no repository read', async () => {
    const { url, commit } = await commitApp('resync', { 'app/cm.yaml': cm('web') });
    const own = new Source({ cacheDir: `${dir.path}/resync-cache` });
    const target = { app: 'web', repoUrl: url, commit, path: 'app' };
    const first = await own.render(target, builtin, { app: 'web' });
    await rm(`${dir.path}/resync-cache`, { recursive: true });
    const again = await own.render(target, builtin, { app: 'web' });
    expect(again.yaml).toBe(first.yaml);
    expect(own.workerRenders).toBe(1);
    // Other parameters are another render.
    await expect(own.render(target, builtin, { app: 'web', stage: 'prod' })).resolves.toBeDefined();
    expect(own.workerRenders).toBe(2);
  });

  it('fails an alias bomb by bytes (a 1 MB scalar behind 2,000 aliases) naming maxAliasBytes', async () => {
    const scalar = 'a'.repeat(1024 * 1024);
    const aliases = Array.from({ length: 2000 }, (_, i) => `  k${i}: *big`).join('\n');
    const { url, commit } = await commitApp('alias-bomb', { 'bomb/cm.yaml': cm('bomb', `big: &big ${scalar}\ndata:\n${aliases}\n`) });
    const checkout = await source.checkout(url, commit, 'bomb');
    await expect(renderInWorker(checkout, builtin, {})).rejects.toMatchObject({ message: expect.stringMatching(/^render failed: bomb\/cm\.yaml:\d+: YAML aliases expand to more than \d+ bytes of text \(limit maxAliasBytes\)/) });
  });

  it('fails a 50 MB scalar naming maxFileBytes, before the worker holds it', async () => {
    const { url, commit } = await commitApp('huge-scalar', { 'huge/cm.yaml': cm('huge', `data:\n  big: ${'b'.repeat(50 * 1024 * 1024)}\n`) });
    const checkout = await source.checkout(url, commit, 'huge');
    await expect(renderInWorker(checkout, builtin, {})).rejects.toMatchObject({ message: expect.stringMatching(/^render failed: "huge\/cm\.yaml" is \d+ bytes, more than \d+ \(limit maxFileBytes\)/) });
  });

  it('fails an application whose files add up past maxAppBytes', async () => {
    const chunk = `data:\n  v: ${'c'.repeat(300 * 1024)}\n`;
    const { url, commit } = await commitApp('many-files', { 'many/a.yaml': cm('a', chunk), 'many/b.yaml': cm('b', chunk), 'many/c.yaml': cm('c', chunk) });
    const small = new Source({ cacheDir: `${dir.path}/cache`, limits: { maxAppBytes: 700 * 1024 } });
    const checkout = await small.checkout(url, commit, 'many');
    await expect(renderInWorker(checkout, builtin, {})).rejects.toMatchObject({ message: expect.stringContaining('(limit maxAppBytes)') });
  });

  it('terminates a render past its deadline while the main thread keeps running', async () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `  key${i}: value-${i}`).join('\n');
    const { url, commit } = await commitApp('4-mb-configmap', { 'slow/cm.yaml': cm('slow', `data:\n${keys}\n`) });
    const checkout = await source.checkout(url, commit, 'slow');
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    try {
      await expect(renderInWorker(checkout, builtin, {}, { timeoutMs: 1500 })).rejects.toMatchObject({ message: 'render failed: did not finish within 1500 ms (limit renderTimeoutMs)' });
    } finally {
      clearInterval(ticker);
    }
    // The event loop was free throughout: a blocked main thread would not have run the ticker at all.
    expect(ticks).toBeGreaterThan(10);
  });

  it('fails a render that exhausts the worker heap, and the agent process lives on', async () => {
    const keys = Array.from({ length: 150_000 }, (_, i) => `  key${i}: value-${i}`).join('\n');
    const { url, commit } = await commitApp('memory-hungry', { 'hungry/cm.yaml': cm('hungry', `data:\n${keys}\n`) });
    const checkout = await source.checkout(url, commit, 'hungry');
    await expect(renderInWorker(checkout, builtin, {}, { memoryMb: 16 })).rejects.toMatchObject({ message: 'render failed: ran out of memory (limit renderMemoryMb 16 MiB)' });
    const good = await commitApp('good', { 'good/cm.yaml': cm('good') });
    const rendered = await renderInWorker(await source.checkout(good.url, good.commit, 'good'), builtin, {});
    expect(rendered.objects.map((o) => o.metadata.name)).toEqual(['good']);
  });
});
