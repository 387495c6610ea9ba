// Property tests: the same input always gives the same bytes, and no generated path ever reaches outside the root.
// (How emitted strings read back in go-yaml is checked against kubectl itself, in differential.test.ts.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenderError, render } from '../src/index.js';
import type { FileTree } from '../src/index.js';
import { cm, tree } from './helpers.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const anyText = fc.string({ unit: 'grapheme', maxLength: 40 });

/** A Map that records every key the renderer asks for. */
class RecordingMap<V> extends Map<string, V> {
  readonly asked: string[] = [];
  override get(k: string): V | undefined {
    this.asked.push(k);
    return super.get(k);
  }
  override has(k: string): boolean {
    this.asked.push(k);
    return super.has(k);
  }
}

function isInsideRoot(p: string): boolean {
  return !p.startsWith('/') && p.split('/').every((seg) => seg !== '..' && seg !== '.' && seg !== '');
}

describe('determinism', () => {
  it('renders any generated kustomization to the same bytes every time, whatever the tree insertion order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { minLength: 1, maxLength: 5 }),
        fc.dictionary(name, anyText, { maxKeys: 4 }),
        fc.option(name, { nil: undefined }),
        (names, data, prefix) => {
          const files: Record<string, string> = {};
          names.forEach((n) => {
            files[`app/${n}.yaml`] = `${cm(n)}data: ${JSON.stringify(data)}\n`;
          });
          files['app/kustomization.yaml'] =
            `resources:\n${names.map((n) => `- ${n}.yaml`).join('\n')}\n` +
            (prefix === undefined ? '' : `namePrefix: ${prefix}-\n`) +
            `configMapGenerator:\n- name: gen\n  literals: ${JSON.stringify(Object.entries(data).map(([k, v]) => `${k}=${v.replaceAll('\n', ' ')}`))}\n`;
          const a = render(tree(files), 'app');
          const b = render(tree(Object.fromEntries(Object.entries(files).reverse())), 'app');
          expect(b.yaml).toBe(a.yaml);
          expect(render(tree(files), 'app').yaml).toBe(a.yaml);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('confinement to the repository root', () => {
  const segment = fc.constantFrom('..', '.', 'app', 'base', 'x.yaml', '', 'etc', 'passwd', '...', '..%2f', '%2e%2e');
  const relPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('/'));
  const anyPath = fc.oneof(relPath, relPath.map((p) => `/${p}`));

  it('never asks the tree for a path outside the root, for any resource path or symlink target', () => {
    fc.assert(
      fc.property(fc.array(anyPath, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(relPath, anyPath), { maxLength: 3 }), (refs, links) => {
        const base = tree({
          'repo/app/kustomization.yaml': `resources:\n${refs.map((r) => `- ${JSON.stringify(r)}`).join('\n')}\n`,
          'repo/app/x.yaml': cm('x'),
          'repo/base/kustomization.yaml': 'resources:\n- ../app/x.yaml\n',
        });
        const files = new RecordingMap(base.files);
        const symlinks = new RecordingMap<string>(links.map(([from, to]) => [from, to]));
        const t: FileTree = { files, symlinks };
        try {
          render(t, 'repo/app');
        } catch (e) {
          expect(e).toBeInstanceOf(RenderError);
        }
        for (const asked of [...files.asked, ...symlinks.asked]) expect(isInsideRoot(asked), asked).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every resource file path that climbs above the root or out of the kustomization directory', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), (ups, depth) => {
        const dir = Array.from({ length: depth }, (_, i) => `d${i}`).join('/');
        const app = dir === '' ? 'k' : `${dir}/k`;
        const target = `${'../'.repeat(ups)}outside.yaml`;
        const t = tree({ [`${app}/kustomization.yaml`]: `resources:\n- ${target}\n`, 'outside.yaml': cm('o') });
        let error: unknown;
        try {
          render(t, app);
        } catch (e) {
          error = e;
        }
        // Above the root, or (outside.yaml exists) above the kustomization's own directory: both are refused.
        if (ups >= depth + 1) expect((error as RenderError).code).toBe('PermissionDenied');
        else expect((error as RenderError).code).toBe('NotFound');
      }),
    );
  });
});
