// The flotilla-sim command as a user runs it: help, flag errors, and a real run stopped by SIGTERM.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/flotilla-sim.mjs', import.meta.url));
const KUBECTL = '/usr/bin/kubectl';

interface Proc {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout contains `text`. */
  waitFor(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function run(args: string[]): Proc {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.filter((x) => out.includes(x.text))) w.resolve();
  });
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = new Promise<number | null>((resolve) => p.on('close', resolve));
  return {
    code,
    stdout: () => out,
    stderr: () => err,
    waitFor: (text) =>
      out.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ text, resolve });
            void code.then((c) => reject(new Error(`flotilla-sim exited (${c}) before printing ${JSON.stringify(text)}: ${err}`)));
          }),
    kill: (signal) => p.kill(signal),
  };
}

function kubectl(args: string[], input = ''): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn(KUBECTL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('close', (code) => resolve({ code, stdout }));
    p.stdin.end(input);
  });
}

describe('flotilla-sim CLI', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('prints usage for --help and exits 0', async () => {
    const p = run(['--help']);
    expect(await p.code).toBe(0);
    expect(p.stdout()).toContain('Usage: flotilla-sim --clusters N --kubeconfig-dir DIR');
  });

  // Concurrent: each case is a separate process start, and they do not share anything.
  it.concurrent.for([
    [['--clusters', 'two', '--kubeconfig-dir', '/tmp/x'], '--clusters: expected a whole number, got "two"'],
    [['--clusters', '0', '--kubeconfig-dir', '/tmp/x'], '--clusters: must be between 1 and 10000, got 0'],
    [['--clusters', '1'], '--kubeconfig-dir is required'],
    [['--kubeconfig-dir', '/tmp/x'], '--clusters is required'],
    [['--clusters', '1', '--kubeconfig-dir', '/tmp/x', '--realtime-delay-ms', '-5'], "Option '--realtime-delay-ms' argument is ambiguous"],
    [['--clusters', '1', '--kubeconfig-dir', '/tmp/x', '--realtime-delay-ms=-5'], '--realtime-delay-ms: expected a whole number, got "-5"'],
    [['--clusters', '1', '--kubeconfig-dir', '/tmp/x', '--colour'], "Unknown option '--colour'"],
  ] as [string[], string][])('rejects %j naming the flag, with exit code 2', async ([args, message], { expect }) => {
    const p = run(args);
    expect(await p.code).toBe(2);
    expect(p.stderr()).toContain(message);
  });

  it('starts clusters, writes one kubeconfig per cluster, serves kubectl, and stops cleanly on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-sim-cli-'));
    const p = run(['--clusters', '2', '--kubeconfig-dir', dir, '--realtime-delay-ms', '10']);
    await p.waitFor('serving');
    expect((await readdir(dir)).sort()).toEqual(['cluster-1.yaml', 'cluster-2.yaml']);
    expect(p.stdout()).toContain(`kubeconfig ${join(dir, 'cluster-2.yaml')}`);
    if (existsSync(KUBECTL)) {
      const nodes = await kubectl(['--kubeconfig', join(dir, 'cluster-2.yaml'), 'get', 'nodes', '-o', 'name']);
      expect(nodes.stdout.trim().split('\n')).toEqual(['node/sim-node-1', 'node/sim-node-2', 'node/sim-node-3']);
      // Controllers run on real time with the 10 ms step: a Deployment becomes Available without anyone driving a clock.
      const kc = ['--kubeconfig', join(dir, 'cluster-1.yaml')];
      const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}\n';
      expect((await kubectl([...kc, 'apply', '-f', '-'], deploy)).code).toBe(0);
      const waited = await kubectl([...kc, 'wait', '--for=condition=Available', 'deployment/web', '--timeout=20s']);
      expect(waited.stdout.trim()).toBe('deployment.apps/web condition met');
    } else {
      console.warn(`kubectl not found at ${KUBECTL}: skipping the kubectl check of the CLI test`);
    }
    p.kill('SIGTERM');
    expect(await p.code).toBe(0);
    expect(p.stdout()).toContain('flotilla-sim: stopped');
  });
});
