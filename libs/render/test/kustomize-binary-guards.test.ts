// The external engine's guards run before any binary does: remote bases refused, file and byte limits applied. The
// command given is a binary that does not exist, so reaching it would fail with FailedPrecondition instead.
import { describe, expect, it } from 'vitest';
import { renderWithKustomizeBinary } from '../src/index.js';
import { cm, tree } from './helpers.js';

const missingBinary = { command: ['/nonexistent/kustomize', 'build'] };

describe('external engine guards', () => {
  it('refuses a remote resource in the app with the built-in engine error', async () => {
    const t = tree({ 'app/kustomization.yaml': 'resources:\n- cm.yaml\n- https://github.com/org/repo//deploy?ref=v1\n', 'app/cm.yaml': cm('a') });
    await expect(renderWithKustomizeBinary(t, 'app', {}, missingBinary)).rejects.toMatchObject({
      code: 'PermissionDenied',
      message: 'app/kustomization.yaml:3: remote resource "https://github.com/org/repo//deploy?ref=v1" is refused: only paths inside the repository can be rendered',
    });
  });

  it('refuses remote bases and components anywhere below the app, through local overlays', async () => {
    const base = { 'base/kustomization.yml': 'bases:\n- github.com/org/repo/deploy\n', 'overlay/kustomization.yaml': 'resources:\n- ../base\n' };
    await expect(renderWithKustomizeBinary(tree(base), 'overlay', {}, missingBinary)).rejects.toMatchObject({ code: 'PermissionDenied', message: /^base\/kustomization\.yml:2: remote resource "github\.com\/org\/repo\/deploy"/ });
    const comp = { 'app/kustomization.yaml': 'components:\n- ../comp\n', 'comp/Kustomization': 'kind: Component\ncomponents:\n- git@github.com:org/repo.git\n' };
    await expect(renderWithKustomizeBinary(tree(comp), 'app', {}, missingBinary)).rejects.toMatchObject({ code: 'PermissionDenied', message: /^comp\/Kustomization:3: remote component "git@github\.com:org\/repo\.git"/ });
  });

  it('refuses a remote base under any spelling of the field kustomize reads (Resources, BASES)', async () => {
    for (const text of ['Resources:\n- https://example.com/x.yaml\n', 'BASES:\n- github.com/org/repo/deploy\n']) {
      await expect(renderWithKustomizeBinary(tree({ 'kustomization.yaml': text }), '', {}, missingBinary), text).rejects.toMatchObject({ code: 'PermissionDenied' });
    }
  });

  it('ignores kustomizations the app does not reach', async () => {
    const t = tree({ 'app/kustomization.yaml': 'resources:\n- cm.yaml\n', 'app/cm.yaml': cm('a'), 'other/kustomization.yaml': 'resources:\n- https://example.com/x.yaml\n' });
    await expect(renderWithKustomizeBinary(t, 'app', {}, missingBinary)).rejects.toMatchObject({ code: 'FailedPrecondition' });
  });

  it('applies maxFiles and maxTotalBytes to the tree before writing it out', async () => {
    const t = tree({ 'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', 'a.yaml': cm('a'), 'b.yaml': cm('b') });
    await expect(renderWithKustomizeBinary(t, '', {}, missingBinary, { maxFiles: 2 })).rejects.toMatchObject({ code: 'ResourceExhausted', message: /more than 2 \(limit maxFiles\)/ });
    await expect(renderWithKustomizeBinary(t, '', {}, missingBinary, { maxTotalBytes: 80 })).rejects.toMatchObject({ code: 'ResourceExhausted', message: /more than 80 bytes in the tree \(limit maxTotalBytes\)/ });
    await expect(renderWithKustomizeBinary(t, '', {}, missingBinary, { maxFiles: 3 })).rejects.toMatchObject({ code: 'FailedPrecondition' });
  });
});
