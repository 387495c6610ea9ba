// The committed schema data is exactly what the generator makes from the pinned source package: never hand-edited,
// never stale.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate.js';

describe('generated schema data', () => {
  it('matches a fresh run of scripts/generate.ts (run `npm run generate -w @flotilla/kube-schema` if not)', () => {
    const { target, text } = generate();
    expect(readFileSync(target, 'utf8') === text).toBe(true);
  });
});
