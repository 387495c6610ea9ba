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

describe('external engine: every remote source', () => {
  const refused = (file: string, line: number, what: string, ref: string) => ({
    code: 'PermissionDenied',
    message: `${file}:${line}: remote ${what} "${ref}" is refused: only paths inside the repository can be rendered`,
  });

  it.each([
    ['git::https://example.com/org/repo.git//deploy'],
    ['git::ssh://git@example.com/org/repo.git'],
    ['s3::https://s3.amazonaws.com/bucket/dir'],
    ['file:///etc/kubernetes'],
    ['file://../../outside'],
    ['https://example.com/all.yaml'],
  ])('refuses the resource %s', async (ref) => {
    const t = tree({ 'app/kustomization.yaml': `resources:\n- ${ref}\n` });
    await expect(renderWithKustomizeBinary(t, 'app', {}, missingBinary)).rejects.toMatchObject(refused('app/kustomization.yaml', 2, 'resource', ref));
  });

  it('refuses helm chart repositories and remote values files', async () => {
    const chart = 'helmCharts:\n- name: redis\n  repo: https://charts.example.com/stable\n  version: 1.0.0\n';
    await expect(renderWithKustomizeBinary(tree({ 'app/kustomization.yaml': chart }), 'app', {}, missingBinary)).rejects.toMatchObject(
      refused('app/kustomization.yaml', 3, 'helm source helmCharts[0].repo', 'https://charts.example.com/stable'),
    );
    const oci = 'helmCharts:\n- name: redis\n  repo: oci://registry.example.com/charts\n';
    await expect(renderWithKustomizeBinary(tree({ 'app/kustomization.yaml': oci }), 'app', {}, missingBinary)).rejects.toMatchObject({ code: 'PermissionDenied' });
    const values = 'helmCharts:\n- name: local\n  valuesFile: https://example.com/values.yaml\n';
    await expect(renderWithKustomizeBinary(tree({ 'app/kustomization.yaml': values }), 'app', {}, missingBinary)).rejects.toMatchObject(
      refused('app/kustomization.yaml', 3, 'helm source helmCharts[0].valuesFile', 'https://example.com/values.yaml'),
    );
  });

  it('refuses remote plugin configurations, crds and openapi schemas', async () => {
    await expect(renderWithKustomizeBinary(tree({ 'k/kustomization.yaml': 'transformers:\n- git::https://example.com/t.git\n' }), 'k', {}, missingBinary)).rejects.toMatchObject({ code: 'PermissionDenied', message: /remote transformer/ });
    await expect(renderWithKustomizeBinary(tree({ 'k/kustomization.yaml': 'crds:\n- https://example.com/crd.json\n' }), 'k', {}, missingBinary)).rejects.toMatchObject({ code: 'PermissionDenied', message: /remote crd/ });
    await expect(renderWithKustomizeBinary(tree({ 'k/kustomization.yaml': 'openapi:\n  path: https://example.com/schema.json\n' }), 'k', {}, missingBinary)).rejects.toMatchObject({ code: 'PermissionDenied', message: /remote openapi schema/ });
  });

  it('lets through the sources the cluster admin allowlisted, and only those', async () => {
    const allowed = { ...missingBinary, allowRemote: ['https://charts.example.com/stable', 'git::https://example.com/org/base.git'] };
    const ok = 'resources:\n- git::https://example.com/org/base.git//deploy?ref=v1\nhelmCharts:\n- name: redis\n  repo: https://charts.example.com/stable\n';
    // Past the guard the missing binary is reached: FailedPrecondition, not PermissionDenied.
    await expect(renderWithKustomizeBinary(tree({ 'app/kustomization.yaml': ok }), 'app', {}, allowed)).rejects.toMatchObject({ code: 'FailedPrecondition' });
    const lookalike = 'helmCharts:\n- name: redis\n  repo: https://charts.example.com/stable-evil\n';
    await expect(renderWithKustomizeBinary(tree({ 'app/kustomization.yaml': lookalike }), 'app', {}, allowed)).rejects.toMatchObject({ code: 'PermissionDenied' });
  });
});
