// kustomize reads kustomization.yaml into Go strings with YAML 1.1 rules: an unquoted y/on/1.0 where a string belongs is an
// error there (a bool or a number), never silently text. Each case is checked against kubectl where it is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RenderError, render } from '../src/index.js';
import { tree } from './helpers.js';

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
const gen = (options: string): string => `configMapGenerator:\n- name: g\n  literals: [a=b]\n  options:\n${options}`;

const rejected: { name: string; kustomization: string; message: RegExp }[] = [
  { name: 'generator options label y', kustomization: gen('    labels:\n      x: y\n'), message: /^kustomization\.yaml:6: configMapGenerator\[0\]\.options\.labels\.x must be a string, but YAML reads true as a bool/ },
  { name: 'generator options annotation 1.0', kustomization: gen('    annotations:\n      num: 1.0\n'), message: /^kustomization\.yaml:6: configMapGenerator\[0\]\.options\.annotations\.num must be a string, but YAML reads 1 as a number/ },
  { name: 'generatorOptions label on', kustomization: 'generatorOptions:\n  labels:\n    x: on\nconfigMapGenerator:\n- name: g\n  literals: [a=b]\n', message: /generatorOptions\.labels\.x must be a string/ },
  { name: 'commonLabels number', kustomization: 'resources: [cm.yaml]\ncommonLabels:\n  x: 1\n', message: /^kustomization\.yaml:3: commonLabels\.x must be a string/ },
  { name: 'commonAnnotations yes', kustomization: 'resources: [cm.yaml]\ncommonAnnotations:\n  x: yes\n', message: /commonAnnotations\.x must be a string, but YAML reads true as a bool/ },
  { name: 'literal y', kustomization: 'configMapGenerator:\n- name: g\n  literals:\n  - a=b\n  - y\n', message: /^kustomization\.yaml:5: configMapGenerator\[0\]\.literals\[1\] must be a string/ },
  { name: 'annotation key 1', kustomization: 'resources: [cm.yaml]\ncommonAnnotations:\n  1: x\n', message: /^kustomization\.yaml:3: commonAnnotations key 1 must be a string/ },
  { name: 'label key yes in generator options', kustomization: gen('    labels:\n      yes: x\n'), message: /configMapGenerator\[0\]\.options\.labels key yes must be a string/ },
  { name: 'label key 1.5 in labels pairs', kustomization: 'resources: [cm.yaml]\nlabels:\n- pairs:\n    1.5: x\n', message: /labels\[0\]\.pairs key 1\.5 must be a string/ },
  { name: 'image tag 1.25', kustomization: 'resources: [cm.yaml]\nimages:\n- name: nginx\n  newTag: 1.25\n', message: /images\[0\]\.newTag must be a string/ },
];

const accepted: { name: string; kustomization: string; check: (yaml: string) => void }[] = [
  { name: 'a quoted "y" key', kustomization: 'resources: [cm.yaml]\ncommonAnnotations:\n  "y": x\n', check: (y) => expect(y).toContain('    "y": x\n') },
  { name: 'quoted "y" and an empty value', kustomization: gen('    labels:\n      x: "y"\n      e:\n'), check: (y) => expect(y).toContain('    e: ""\n    x: "y"\n') },
  { name: 'disableNameSuffixHash: yes (a YAML 1.1 bool)', kustomization: 'generatorOptions:\n  disableNameSuffixHash: yes\nconfigMapGenerator:\n- name: g\n  literals: [a=b]\n', check: (y) => expect(y).toContain('  name: g\n') },
];

function kubectl(kustomization: string): { ok: true; yaml: string } | { ok: false } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-kstr-'));
  try {
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    writeFileSync(join(dir, 'cm.yaml'), cm);
    return { ok: true, yaml: execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { ok: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kustomization string fields follow kustomize (YAML 1.1, no silent coercion)', () => {
  for (const c of rejected) {
    it(`rejects ${c.name}, naming the file, line and field (as kubectl does)`, () => {
      const t = tree({ 'kustomization.yaml': c.kustomization, 'cm.yaml': cm });
      expect(() => render(t, '')).toThrowError(RenderError);
      expect(() => render(t, '')).toThrowError(c.message);
      const theirs = kubectl(c.kustomization);
      if (theirs !== undefined) expect(theirs.ok).toBe(false);
    });
  }
  for (const c of accepted) {
    it(`accepts ${c.name}, byte for byte as kubectl`, () => {
      const ours = render(tree({ 'kustomization.yaml': c.kustomization, 'cm.yaml': cm }), '').yaml;
      c.check(ours);
      const theirs = kubectl(c.kustomization);
      if (theirs !== undefined) expect(theirs).toEqual({ ok: true, yaml: ours });
    });
  }
});
