// readTreeFromDirectory: the I/O edge snapshots files and records symlinks without following them.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderError, readTreeFromDirectory, render } from '../src/index.js';

let dir: string;
let outside: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-tree-'));
  outside = mkdtempSync(join(tmpdir(), 'flotilla-outside-'));
  writeFileSync(join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('readTreeFromDirectory', () => {
  it('renders through symlinks that stay inside the repository (a linked base; a linked file only inside its kustomization)', async () => {
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
    writeFileSync(join(dir, 'shared', 'kustomization.yaml'), 'resources:\n- linked.yaml\n');
    symlinkSync('cm.yaml', join(dir, 'shared', 'linked.yaml'));
    mkdirSync(join(dir, 'app'));
    symlinkSync('../shared', join(dir, 'app', 'base'));
    symlinkSync('../shared/cm.yaml', join(dir, 'app', 'cm.yaml'));
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources:\n- base\n');
    const t = await readTreeFromDirectory(dir);
    expect(t.symlinks?.get('app/cm.yaml')).toBe('../shared/cm.yaml');
    expect(render(t, 'app').objects.map((o) => o.metadata.name)).toEqual(['shared']);
    // kustomize resolves the link and finds the file outside app/: "security; file ... is not in or below ...".
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
    const t2 = await readTreeFromDirectory(dir);
    expect(() => render(t2, 'app')).toThrow(/security; file "app\/cm\.yaml" is not in or below "app"/);
  });

  it('refuses symlinks that leave the repository, absolute or relative, file or directory', async () => {
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'abs.yaml'));
    symlinkSync('../../../../../../../../' + join(outside, 'secret.yaml').slice(1), join(dir, 'rel.yaml'));
    symlinkSync(outside, join(dir, 'outdir'));
    for (const ref of ['abs.yaml', 'rel.yaml', 'outdir/secret.yaml', 'outdir']) {
      writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n- ${ref}\n`);
      const t = await readTreeFromDirectory(dir);
      let error: unknown;
      try {
        render(t, '');
      } catch (e) {
        error = e;
      }
      expect(error, ref).toBeInstanceOf(RenderError);
      expect((error as RenderError).code, ref).toBe('PermissionDenied');
    }
  });

  it('stops at maxFiles while walking, naming the limit and the first file over it', async () => {
    for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, `${n}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n`);
    await expect(readTreeFromDirectory(dir, { maxFiles: 2 })).rejects.toMatchObject({ code: 'ResourceExhausted', message: 'c.yaml: more than 2 files in the directory (limit maxFiles)' });
    expect((await readTreeFromDirectory(dir, { maxFiles: 3 })).files.size).toBe(3);
  });

  it('stops at maxTotalBytes while walking, naming the limit and the file that crosses it', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'x'.repeat(40));
    mkdirSync(join(dir, 'big'));
    writeFileSync(join(dir, 'big', 'b.yaml'), 'x'.repeat(100));
    const err = readTreeFromDirectory(dir, { maxTotalBytes: 100 });
    await expect(err).rejects.toBeInstanceOf(RenderError);
    await expect(err).rejects.toMatchObject({ code: 'ResourceExhausted', message: 'big/b.yaml: more than 100 bytes in the directory (limit maxTotalBytes)' });
    expect((await readTreeFromDirectory(dir, { maxTotalBytes: 140 })).files.size).toBe(2);
  });

  it('skips .git directories at any depth (nested checkouts, submodules)', async () => {
    for (const d of ['.git', 'vendor/lib/.git']) {
      mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, d, 'config'), '[core]\n');
    }
    writeFileSync(join(dir, 'vendor', 'lib', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lib\n');
    const t = await readTreeFromDirectory(dir, { maxFiles: 1 });
    expect([...t.files.keys()]).toEqual(['vendor/lib/cm.yaml']);
  });
});
