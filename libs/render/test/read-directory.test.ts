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
  it('renders through symlinks that stay inside the repository', async () => {
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n');
    mkdirSync(join(dir, 'app'));
    symlinkSync('../shared/cm.yaml', join(dir, 'app', 'cm.yaml'));
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
    const t = await readTreeFromDirectory(dir);
    expect(t.symlinks?.get('app/cm.yaml')).toBe('../shared/cm.yaml');
    expect(render(t, 'app').objects.map((o) => o.metadata.name)).toEqual(['shared']);
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
});
