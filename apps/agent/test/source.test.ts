// Fetching exact commits from a real git http-backend, public and private, and reading their trees.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { Source } from '../src/source/index.js';

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8'));

describe('source', () => {
  let server: GitServer;
  let privateServer: GitServer;
  let dir: TempDir;
  let first = '';
  let second = '';

  beforeAll(async () => {
    [server, privateServer, dir] = await Promise.all([
      startGitServer(),
      startGitServer({ auth: { username: 'robot', password: 's3cret' } }),
      tempDir('flotilla-agent-source-'),
    ]);
    await server.createRepo('apps');
    first = await server.commit('apps', { 'web/cm.yaml': 'kind: ConfigMap\n', 'README.md': 'v1\n' }, 'first');
    second = await server.commit('apps', { 'web/cm.yaml': 'kind: ConfigMap # two\n', 'web/extra.yaml': 'x: 1\n' }, 'second');
    await privateServer.createRepo('secret');
    await privateServer.commit('secret', { 'app/a.yaml': 'a: 1\n' });
  });

  afterAll(async () => {
    await Promise.all([server?.close(), privateServer?.close(), dir?.cleanup()]);
  });

  it('reads the tree of an exact older commit, not the branch tip', async () => {
    const source = new Source({ cacheDir: `${dir.path}/cache-a` });
    const tree = await source.readTree(server.repoUrl('apps'), first);
    expect(text(tree.files.get('web/cm.yaml'))).toBe('kind: ConfigMap\n');
    expect(tree.files.has('web/extra.yaml')).toBe(false);
    const tip = await source.readTree(server.repoUrl('apps'), second);
    expect(text(tip.files.get('web/cm.yaml'))).toBe('kind: ConfigMap # two\n');
    expect(text(tip.files.get('web/extra.yaml'))).toBe('x: 1\n');
  });

  it('serves a cached commit without the server', async () => {
    const server2 = await startGitServer();
    await server2.createRepo('r');
    const sha = await server2.commit('r', { 'a.yaml': 'a: 1\n' });
    const source = new Source({ cacheDir: `${dir.path}/cache-b` });
    await source.readTree(server2.repoUrl('r'), sha);
    const url = server2.repoUrl('r');
    await server2.close();
    const tree = await source.readTree(url, sha);
    expect(text(tree.files.get('a.yaml'))).toBe('a: 1\n');
  });

  it('fails an unknown commit with the git error, naming the commit and the repository', async () => {
    const source = new Source({ cacheDir: `${dir.path}/cache-c` });
    const missing = 'f'.repeat(40);
    await expect(source.readTree(server.repoUrl('apps'), missing)).rejects.toMatchObject({
      code: 'NotFound',
      message: expect.stringContaining(`commit ${missing} not found in ${server.repoUrl('apps')}`),
    });
  });

  it('fails an unreachable repository as Unavailable with the git error', async () => {
    const source = new Source({ cacheDir: `${dir.path}/cache-d` });
    await expect(source.readTree(server.repoUrl('no-such-repo'), first)).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringMatching(/git fetch .*no-such-repo\.git failed: HttpError/),
    });
  });

  it('fetches a private repository with the configured basic-auth credential', async () => {
    const url = privateServer.repoUrl('secret');
    const head = await privateServer.commit('secret', { 'app/b.yaml': 'b: 2\n' });
    const without = new Source({ cacheDir: `${dir.path}/cache-e` });
    await expect(without.readTree(url, head)).rejects.toMatchObject({ code: 'Unavailable', message: expect.stringContaining("HTTP 401") });
    const withCredential = new Source({
      cacheDir: `${dir.path}/cache-f`,
      credentials: [{ url: privateServer.url, username: 'robot', password: 's3cret' }],
    });
    const tree = await withCredential.readTree(url, head);
    expect(text(tree.files.get('app/b.yaml'))).toBe('b: 2\n');
  });

  it('gives up on a server that accepts and never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const source = new Source({ cacheDir: `${dir.path}/cache-g`, limits: { idleTimeoutMs: 200 } });
      await expect(source.readTree(`http://127.0.0.1:${port}/repo.git`, first)).rejects.toMatchObject({ code: 'Unavailable', message: expect.stringContaining('timed out') });
    } finally {
      silent.close();
    }
  });
});
