// The demo's verdicts on a promotion: what it prints as progress, and when the story did not go as scripted.
import { describe, expect, it } from 'vitest';
import { brokenVerdict, goodVerdict, progressLine } from '../src/progress.js';
import type { PromotionView } from '../src/progress.js';

const wave = (name: string, state: string, healthy = 0, total = 1) => ({ name, state, healthy, total });
const promotion = (state: string, prodWaves: ReturnType<typeof wave>[], message = ''): PromotionView => ({
  id: 'p1',
  state,
  message,
  stages: [
    { stage: 'dev', state: 'Succeeded', waves: [wave('all', 'Succeeded', 3, 3)] },
    { stage: 'prod', state: prodWaves.some((w) => w.state === 'Failed') ? 'Failed' : prodWaves.every((w) => w.state === 'Succeeded') ? 'Succeeded' : 'Progressing', waves: prodWaves },
  ],
  targets: [],
});

describe('demo progress', () => {
  it('names the stage, the wave it is in, and its clusters healthy of total', () => {
    expect(progressLine(promotion('Progressing', [wave('eu', 'Succeeded', 1), wave('us', 'Progressing', 0)]))).toBe('Progressing dev: Succeeded | prod wave 2/2 (us): 0/1 healthy, Progressing');
  });

  it('accepts the good commit only when every wave succeeded', () => {
    expect(goodVerdict(promotion('Succeeded', [wave('eu', 'Succeeded', 1), wave('us', 'Succeeded', 1)]))).toBeUndefined();
    expect(goodVerdict(promotion('Failed', [wave('eu', 'Failed')], 'halted: wave eu'))).toBe('the good commit ended Failed: halted: wave eu');
  });

  it('accepts the broken commit only halted in prod wave 1 with later waves untouched', () => {
    expect(brokenVerdict(promotion('Failed', [wave('eu', 'Failed'), wave('us', 'Pending'), wave('ap', 'Pending')]))).toBeUndefined();
    expect(brokenVerdict(promotion('Failed', [wave('eu', 'Succeeded', 1), wave('us', 'Failed'), wave('ap', 'Pending')]))).toBe("prod's first wave is Succeeded, not Failed");
    expect(brokenVerdict(promotion('Failed', [wave('eu', 'Failed'), wave('us', 'Progressing'), wave('ap', 'Pending')]))).toBe("prod's later waves were touched: us (Progressing)");
    expect(brokenVerdict(promotion('Succeeded', [wave('eu', 'Succeeded', 1)], 'done'))).toBe('the broken commit ended Succeeded, not Failed: done');
  });
});
