// Starts a benchmark child process (a TypeScript entry run through tsx, with --expose-gc and IPC) and waits for the
// JSON line it prints once ready.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface Child<T> {
  process: ChildProcess;
  pid: number;
  ready: T;
  stop(): Promise<void>;
}

export const benchDir = fileURLToPath(new URL('..', import.meta.url));

export async function startChild<T>(entry: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Child<T>> {
  const child = fork(fileURLToPath(new URL(entry, import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', '--import', 'tsx', ...nodeArgs],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const ready = await new Promise<T>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) {
        child.stdout?.off('data', onData);
        resolve(JSON.parse(line) as T);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before it was ready`)));
  });
  child.stdout?.resume();
  return {
    process: child,
    pid: child.pid!,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
