import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../src/index.js';

describe('tempDir', () => {
  it('creates a distinct directory each time and cleanup removes it with its contents', async () => {
    const a = await tempDir();
    const b = await tempDir();
    expect(a.path).not.toBe(b.path);
    await mkdir(path.join(a.path, 'nested'));
    await writeFile(path.join(a.path, 'nested', 'f.txt'), 'x');
    await a.cleanup();
    await a.cleanup();
    await b.cleanup();
    expect(existsSync(a.path)).toBe(false);
    expect(existsSync(b.path)).toBe(false);
  });
});
