// Idle memory of the real binaries, as a user runs them (tsx over the sources): the hub on PGlite (data directory)
// and on PostgreSQL beside a bare grpc-js server and the runtime floor; an agent connected to the hub with its own
// simulated cluster and no applications beside the same floor. Run: npm run bench -- idle [--settle-s 10]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, postgresAvailable } from '@flotilla/testkit';
import { startChild } from '../lib/child.js';
import { rssOf } from '../lib/memory.js';
import { figure, intFlags, table, writeResults } from '../lib/results.js';
import type { Figure } from '../lib/results.js';

const flags = intFlags({ 'settle-s': 10 });
const root = fileURLToPath(new URL('../..', import.meta.url));
const MiB = 2 ** 20;

interface Started { child: ChildProcess; output: () => string; match: RegExpExecArray }

function startBinary(bin: string, env: Record<string, string>, args: string[], ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, [join(root, bin), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ child, output: () => output, match });
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`${bin} exited (${code}) before printing ${ready}:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const hubReady = /REST API:\s+(\S+)[\s\S]*gRPC:\s+(\S+)[\s\S]*\n\s+(flt_api_\S+)/;

async function idleRss(pid: number): Promise<number> {
  await sleep(flags['settle-s'] * 1000);
  return rssOf(pid).rss;
}

const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const figures: Figure[] = [];
try {
  const floorChild = await startChild('./idle-child.ts', {});
  const floor = await idleRss(floorChild.pid);
  await floorChild.stop();
  const bare = await startChild('./bare-child.ts', {});
  const bareRss = await idleRss(bare.pid);
  await bare.stop();

  const hubEnv = { FLOTILLA_INSECURE: 'true', FLOTILLA_HOST: '127.0.0.1', FLOTILLA_HTTP_PORT: '0', FLOTILLA_GRPC_PORT: '0', FLOTILLA_LOG_LEVEL: 'warn' };
  const hub = await startBinary('apps/hub/bin/flotilla-hub.mjs', { ...hubEnv, FLOTILLA_DATA_DIR: temp('flotilla-idle-hub-') }, [], hubReady);
  const hubPglite = await idleRss(hub.child.pid!);
  figures.push(
    figure('hub idle RSS, PGlite', hubPglite / MiB, 'MiB', { name: 'bare grpc-js server', value: bareRss / MiB }, { note: `runtime floor (node + tsx, idle) ${(floor / MiB).toFixed(0)} MiB` }),
  );

  // An agent against the PGlite hub, with its own simulated cluster and nothing to apply.
  const [, httpUrl, grpcAddress, admin] = hub.match as unknown as [string, string, string, string];
  const tokenResponse = await fetch(new URL('/api/v1/registration-tokens', httpUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'idle agent', maxUses: 1 }),
  });
  const { secret } = (await tokenResponse.json()) as { secret: string };
  const kubeconfigs = temp('flotilla-idle-sim-');
  const sim = await startBinary('libs/kube-sim/bin/flotilla-sim.mjs', {}, ['--clusters', '1', '--kubeconfig-dir', kubeconfigs], /cluster-1\.yaml/);
  const agent = await startBinary(
    'apps/agent/bin/flotilla-agent.mjs',
    {
      FLOTILLA_HUB_ADDRESS: grpcAddress,
      FLOTILLA_INSECURE: 'true',
      FLOTILLA_CLUSTER_NAME: 'idle-1',
      FLOTILLA_BOOTSTRAP_TOKEN: secret,
      FLOTILLA_STATE_DIR: temp('flotilla-idle-agent-'),
      KUBECONFIG: join(kubeconfigs, 'cluster-1.yaml'),
      FLOTILLA_HEALTH_PORT: '0',
      FLOTILLA_LOG_LEVEL: 'info',
    },
    [],
    /connected to the hub/,
  );
  const agentRss = await idleRss(agent.child.pid!);
  figures.push(figure('agent idle RSS, connected, no apps', agentRss / MiB, 'MiB', { name: 'runtime floor (node + tsx, idle)', value: floor / MiB }, { goal: 'KubeFleet member agent < 50 MB' }));
  await stop(agent.child);
  await stop(sim.child);
  await stop(hub.child);

  if (await postgresAvailable()) {
    const db = await createTestDatabase();
    try {
      const pgHub = await startBinary('apps/hub/bin/flotilla-hub.mjs', { ...hubEnv, FLOTILLA_DATA_DIR: temp('flotilla-idle-hubpg-'), DATABASE_URL: db.url }, [], hubReady);
      const hubPg = await idleRss(pgHub.child.pid!);
      await stop(pgHub.child);
      figures.push(figure('hub idle RSS, PostgreSQL', hubPg / MiB, 'MiB', { name: 'bare grpc-js server', value: bareRss / MiB }));
      figures.push(figure('hub idle RSS, PGlite over PostgreSQL', hubPglite / MiB, 'MiB', { name: 'hub on PostgreSQL', value: hubPg / MiB }));
    } finally {
      await db.drop();
    }
  }
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
const file = writeResults('idle', flags, figures);
process.stdout.write(`${table(figures)}\n(written to ${file})\n`);
