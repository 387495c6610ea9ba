// The first admin token of a real hub process never reaches the log streams: it is in a 0600 file in the data
// directory (and on the terminal only when stderr is one; here it is a pipe, as under a log shipper).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/flotilla-hub.mjs', import.meta.url));

describe('the first admin token', () => {
  let scratch: string | undefined;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = stop = undefined;
  });

  it('is written to a file only the hub user can read, and printed to neither stdout nor a piped stderr', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'flotilla-hub-'));
    const dataDir = path.join(scratch, 'data');
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, FLOTILLA_DATA_DIR: dataDir, FLOTILLA_HOST: '127.0.0.1', FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_INSECURE: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    stop = async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    };
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const url = /REST API:\s+(\S+)/.exec(stdout)?.[1];
        if (url) resolve(url);
      });
      void exited.then((code) => reject(new Error(`hub exited with ${code}: ${stderr}`)));
    });
    const url = await started;
    const file = path.join(dataDir, 'admin-token');
    await new Promise<void>((resolve) => (stderr.includes(file) ? resolve() : child.stderr.on('data', () => stderr.includes(file) && resolve())));

    const token = (await readFile(file, 'utf8')).trim();
    expect(token).toMatch(/^flt_api_/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(stdout).not.toContain(token);
    expect(stderr).not.toContain(token);
    expect(stderr).toContain(`It is in ${file}`);
    const reply = await fetch(`${url}/api/v1/clusters`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(200);
    await stop();
    expect(await exited).toBe(0);
    expect(stdout + stderr).not.toContain(token);
  });
});
