// Real hub and agent processes for end-to-end tests: the workspace binaries spawned as a user runs them.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const hubBin = `${root}apps/hub/bin/flotilla-hub.mjs`;
export const agentBin = `${root}apps/agent/bin/flotilla-agent.mjs`;

export interface Proc {
  readonly child: ChildProcess;
  /** Everything it wrote, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the match once `pattern` appears in the output after character `from` (default: anywhere). */
  waitFor(pattern: RegExp, opts?: { from?: number; timeoutMs?: number }): Promise<RegExpExecArray>;
  /** Resolves when the process has exited, with its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function run(bin: string, env: Record<string, string>, args: string[] = []): Proc {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let done = false;
  void exited.then(() => {
    done = true;
    for (const waiter of waiters) waiter();
  });
  return {
    child,
    output: () => output,
    exited,
    alive: () => !done,
    waitFor(pattern, { from = 0, timeoutMs = 60_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(output.slice(from));
          if (match) {
            cleanup();
            resolve(match);
          } else if (done) {
            cleanup();
            reject(new Error(`process exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${output}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async kill(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** A port that was free a moment ago, for a server that must come back on the same address after a restart. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
