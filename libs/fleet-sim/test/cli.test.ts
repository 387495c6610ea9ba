// flotilla-sim-fleet's arguments: cluster names and labels, behaviours on demand, and errors naming the flag.
import { describe, expect, it } from 'vitest';
import { UsageError, parseCli } from '../src/cli.js';

const base = ['--hub', '127.0.0.1:9090', '--bootstrap-token', 'flt_reg_x'];

describe('parseCli', () => {
  it('names clusters PREFIX-1..N with the shared labels and spread labels cycled, and marks degraded and silent ones', () => {
    const options = parseCli([...base, '--clusters', '4', '--prefix', 'edge', '--label', 'env=prod', '--spread', 'region=eu,us', '--degraded', 'edge-2', '--silent', 'edge-4']);
    expect(options?.clusters).toEqual([
      { name: 'edge-1', labels: { env: 'prod', region: 'eu' } },
      { name: 'edge-2', labels: { env: 'prod', region: 'us' }, behaviour: 'degraded' },
      { name: 'edge-3', labels: { env: 'prod', region: 'eu' } },
      { name: 'edge-4', labels: { env: 'prod', region: 'us' }, behaviour: 'silent' },
    ]);
    expect(options).toMatchObject({ hubAddress: '127.0.0.1:9090', healthyAfterMs: 2000, heartbeatMs: 10_000, concurrency: 32 });
  });

  it('takes the bootstrap token from FLOTILLA_BOOTSTRAP_TOKEN', () => {
    expect(parseCli(['--hub', 'h:1', '--clusters', '1'], { FLOTILLA_BOOTSTRAP_TOKEN: 'flt_reg_env' })?.bootstrapToken).toBe('flt_reg_env');
  });

  it.each([
    [['--clusters', '2', '--degraded', 'sim-3'], '--degraded: no cluster named "sim-3" (names are sim-1 .. sim-2)'],
    [['--clusters', 'many'], '--clusters: expected a whole number, got "many"'],
    [['--clusters', '1', '--label', 'env'], '--label: expected KEY=VALUE, got "env"'],
    [[], '--clusters is required'],
  ])('refuses %j: %s', (args, message) => {
    expect(() => parseCli([...base, ...args])).toThrow(new UsageError(message));
  });

  it('returns undefined for --help', () => {
    expect(parseCli(['--help'])).toBeUndefined();
  });
});
