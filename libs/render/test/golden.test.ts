// Golden tests: every fixture renders byte-for-byte as `kubectl kustomize` printed it (test/golden, made by regen-golden.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTreeFromDirectory, render } from '../src/index.js';
import { fixtureDir, goldenDir, listFixtures } from './fixtures.js';

describe('golden fixtures match kustomize build output byte for byte', () => {
  for (const f of listFixtures()) {
    it(`renders ${f.name}${f.app ? `/${f.app}` : ''} exactly as kubectl kustomize`, async () => {
      const tree = await readTreeFromDirectory(join(fixtureDir, f.name));
      const expected = readFileSync(join(goldenDir, `${f.name}.yaml`), 'utf8');
      expect(render(tree, f.app).yaml).toBe(expected);
    });
  }
});
