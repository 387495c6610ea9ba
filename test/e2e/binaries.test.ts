// --help and --version on every binary: answered at once, exit 0, and the hub never starts a hub to answer them.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentBin, hubBin, run } from './processes.js';

const cliBin = fileURLToPath(new URL('../../apps/cli/bin/flotilla.mjs', import.meta.url));

describe.each([
  { name: 'flotilla-hub', bin: hubBin, mentions: 'DATABASE_URL' },
  { name: 'flotilla-agent', bin: agentBin, mentions: 'FLOTILLA_HUB_ADDRESS' },
  { name: 'flotilla', bin: cliBin, mentions: 'render' },
])('$name', ({ name, bin, mentions }) => {
  it('prints its usage on --help and exits 0 without starting anything', async () => {
    const proc = run(bin, { FLOTILLA_DATA_DIR: '/nonexistent/should-not-be-created' }, ['--help']);
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('Usage:');
    expect(proc.output()).toContain(mentions);
    expect(proc.output()).not.toContain('is running');
  }, 60_000);

  it('prints its version on --version and exits 0', async () => {
    const proc = run(bin, {}, ['--version']);
    expect(await proc.exited).toBe(0);
    expect(proc.output().trim()).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+$`));
  }, 60_000);
});
