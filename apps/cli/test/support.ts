// A real hub in-process (in-memory PGlite, loopback ports) and the CLI's main() run against it with captured output.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { createLogger, startHub } from '@flotilla/hub';
import { AgentService, RegisterRequestSchema, create, createClient } from '@flotilla/proto';
import type { HubOptions, RunningHub } from '@flotilla/hub';
import { main } from '../src/cli.js';
import type { Io } from '../src/cli.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliHub {
  hub: RunningHub;
  admin: string;
  /** A temp directory for this hub's tests; FLOTILLA_CONFIG points into it. */
  dir: string;
  env: { HOME: string; FLOTILLA_CONFIG: string };
  /** Runs main() with FLOTILLA_SERVER/TOKEN unset, so only flags and the context file say where the hub is. */
  cli(args: string[], extra?: { env?: Record<string, string>; signal?: AbortSignal; onOut?: (s: string) => void }): Promise<Run>;
  /** Registers a cluster through the real AgentService with a registration token made by the CLI. */
  register(name: string, labels: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function startCliHub(options: HubOptions = {}): Promise<CliHub> {
  const hub = await startHub({ dataDir: 'memory://', logger: createLogger({ level: 'silent' }), ...options });
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-test-'));
  const env = { HOME: dir, FLOTILLA_CONFIG: join(dir, 'config.yaml') };
  const self: CliHub = {
    hub,
    admin: hub.adminToken!,
    dir,
    env,
    async cli(args, extra = {}) {
      let stdout = '';
      let stderr = '';
      const io: Io = {
        out: (s) => {
          stdout += s;
          extra.onOut?.(s);
        },
        err: (s) => (stderr += s),
        env: { ...env, ...extra.env },
        ...(extra.signal ? { signal: extra.signal } : {}),
      };
      const code = await main(args, io);
      return { code, stdout, stderr };
    },
    async register(name, labels) {
      const token = await self.cli(['token', 'create-registration', '--max-uses', '1', '-o', 'json', '--server', hub.httpUrl, '--token', hub.adminToken!]);
      const { secret } = JSON.parse(token.stdout) as { secret: string };
      const agents = createClient(AgentService, hub.grpcAddress, hub.caCertificate ? grpc.credentials.createSsl(Buffer.from(hub.caCertificate)) : grpc.credentials.createInsecure());
      try {
        await agents.register(create(RegisterRequestSchema, { bootstrapToken: secret, clusterName: name, labels, agentVersion: 'test' }));
      } finally {
        agents.close();
      }
    },
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

export const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'flotilla.mjs');

/** Spawns the real `flotilla` bin as a user runs it. */
export function spawnCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

export const commitA = 'a'.repeat(40);
export const commitB = 'b'.repeat(40);
