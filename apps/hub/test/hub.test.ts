import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, waitFor } from '@flotilla/testkit';
import { startTestHub } from './support/hub.js';

const bin = fileURLToPath(new URL('../bin/flotilla-hub.mjs', import.meta.url));

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('startHub', () => {
  it('close() stops both listeners and may be called twice', async () => {
    const t = await startTestHub();
    const httpPort = Number(new URL(t.hub.httpUrl).port);
    const grpcPort = Number(t.hub.grpcAddress.split(':').at(-1));
    expect(await refused(httpPort)).toBe(false);
    expect(await refused(grpcPort)).toBe(false);
    await t.close();
    await t.hub.close();
    expect(await refused(httpPort)).toBe(true);
    expect(await refused(grpcPort)).toBe(true);
  }, 120_000);
});

describe('startHub on PostgreSQL', () => {
  it('migrates the database, creates the admin token once and serves the API', async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestHub({ databaseUrl: database.url });
      try {
        expect(first.hub.store.driver).toBe('postgres');
        const created = await first.rest('POST', '/api/v1/registration-tokens', { body: { maxUses: 1 } });
        expect(created.status).toBe(201);
      } finally {
        await first.close();
      }
      const second = await startTestHub({ databaseUrl: database.url });
      try {
        expect(second.hub.adminToken).toBeUndefined();
        const listed = await second.rest('GET', '/api/v1/registration-tokens', { token: first.admin });
        expect((listed.body as { tokens: unknown[] }).tokens).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  }, 120_000);
});

interface HubProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the startup banner has been printed completely. */
  ready: Promise<void>;
}

function runHub(dataDir: string): HubProcess {
  const child = spawn(process.execPath, [bin], {
    env: {
      ...process.env,
      FLOTILLA_DATA_DIR: dataDir,
      FLOTILLA_HOST: '127.0.0.1',
      FLOTILLA_HTTP_PORT: '0',
      FLOTILLA_GRPC_PORT: '0',
      FLOTILLA_INSECURE: 'true',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/gRPC: .*\n/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`hub exited with ${code} before starting:\n${output}`)));
  });
  return { child, output: () => output, ready };
}

async function stop(hub: HubProcess): Promise<number | null> {
  if (hub.child.exitCode !== null) return hub.child.exitCode;
  const exited = once(hub.child, 'exit');
  hub.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

describe('flotilla-hub process', () => {
  let dir: string;
  const started: HubProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flotilla-hub-main-'));
  });
  afterAll(async () => {
    for (const hub of started) await stop(hub);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a usable admin token to a 0600 file on the first start only, never prints it to a pipe, and stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(dir, 'data');
    const first = runHub(dataDir);
    started.push(first);
    await first.ready;
    const file = path.join(dataDir, 'admin-token');
    // stdout and stderr are pipes here (as under a log shipper): the notice names the file, the token stays in it.
    await waitFor(() => first.output().includes(`It is in ${file}`), { description: 'the admin token notice' });
    const token = (await readFile(file, 'utf8')).trim();
    expect(token).toMatch(/^flt_api_/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const url = /REST API:\s+(\S+)/.exec(first.output())![1]!;
    const reply = await fetch(`${url}/api/v1/clusters`, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(200);
    expect(await stop(first)).toBe(0);
    expect(first.output()).not.toContain(token);
    expect(first.output()).toContain('shutting down');

    const second = runHub(dataDir);
    started.push(second);
    await second.ready;
    expect(second.output()).not.toContain('flt_api_');
    expect(second.output()).not.toContain('First start');
    const url2 = /REST API:\s+(\S+)/.exec(second.output())![1]!;
    expect((await fetch(`${url2}/api/v1/clusters`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await stop(second)).toBe(0);
    expect((await stat(path.join(dataDir, 'PG_VERSION'))).isFile()).toBe(true);
    // Two cold starts of embedded PostgreSQL (WASM) in child processes: slow on a loaded machine, hence the budget.
  }, 240_000);
});
