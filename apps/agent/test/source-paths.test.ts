// App paths that would leave the repository are refused before anything is read: `..`, absolute paths, and symlinks
// (in the commit) pointing outside; symlinks that stay inside are followed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { renderInWorker } from '../src/render-worker/index.js';
import { Source, normalizeAppPath } from '../src/source/index.js';

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n';

describe('app paths', () => {
  let server: GitServer;
  let dir: TempDir;
  let commit = '';

  beforeAll(async () => {
    [server, dir] = await Promise.all([startGitServer(), tempDir('flotilla-source-paths-')]);
    await server.createRepo('paths');
    commit = await server.commit('paths', {
      'shared/web/cm.yaml': cm,
      'apps/inside': { symlink: '../shared/web' },
      'apps/up': { symlink: '../../etc' },
      'apps/absolute': { symlink: '/etc' },
      'apps/chain': { symlink: 'up' },
      'apps/file.yaml': cm,
    });
  });

  afterAll(async () => {
    await Promise.all([server?.close(), dir?.cleanup()]);
  });

  it.each([
    ['../other', 'climbs with ".."'],
    ['apps/../../etc', 'climbs with ".."'],
    ['/etc', 'is absolute or uses backslashes'],
    ['C:\\repo', 'is absolute or uses backslashes'],
    ['apps\\web', 'is absolute or uses backslashes'],
    ['apps/\0x', 'contains a NUL byte'],
  ])('refuses %j before contacting the server', async (path, why) => {
    // Port 1 on loopback refuses connections: reaching the network would fail as Unavailable instead.
    const source = new Source({ cacheDir: `${dir.path}/never` });
    await expect(source.checkout('http://127.0.0.1:1/repo.git', commit, path)).rejects.toMatchObject({
      code: 'PermissionDenied',
      message: `app path "${path}" ${why}: only paths inside the repository are allowed`,
    });
  });

  it('normalizes harmless spellings of a path inside', () => {
    expect(normalizeAppPath('./apps//web/')).toBe('apps/web');
    expect(normalizeAppPath('.')).toBe('');
  });

  it.each([
    ['apps/up', 'apps/up', '../../etc'],
    ['apps/absolute/x', 'apps/absolute', '/etc'],
    ['apps/chain', 'apps/up', '../../etc'],
  ])('refuses %j whose symlink points outside the repository', async (path, link, target) => {
    const source = new Source({ cacheDir: `${dir.path}/cache` });
    await expect(source.checkout(server.repoUrl('paths'), commit, path)).rejects.toMatchObject({
      code: 'PermissionDenied',
      message: `app path "${path}": symbolic link "${link}" points outside the repository (${target})`,
    });
  });

  it('follows a symlink that stays inside the repository', async () => {
    const source = new Source({ cacheDir: `${dir.path}/cache` });
    const rendered = await renderInWorker(await source.checkout(server.repoUrl('paths'), commit, 'apps/inside'), { engine: 'builtin' }, {});
    expect(rendered.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/web']);
  });

  it('refuses a path that is a file or missing as NotFound', async () => {
    const source = new Source({ cacheDir: `${dir.path}/cache` });
    await expect(source.checkout(server.repoUrl('paths'), commit, 'apps/file.yaml')).rejects.toMatchObject({ code: 'NotFound', message: 'app path "apps/file.yaml" is not a directory in the repository' });
    await expect(source.checkout(server.repoUrl('paths'), commit, 'nope')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
