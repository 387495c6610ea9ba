// `flotilla-sim`: starts N simulated clusters with controllers on real time, writes a kubeconfig per cluster, and
// serves until SIGINT/SIGTERM, so a person (or a demo) can point kubectl at them; `flotilla-sim git` serves a repository.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SimulatedCluster } from './server/cluster.js';

const USAGE = `Usage: flotilla-sim --clusters N --kubeconfig-dir DIR [options]
       flotilla-sim git --repo DIR [--port N] [--host 127.0.0.1]

Starts N simulated Kubernetes clusters on loopback HTTPS ports and writes DIR/cluster-<i>.yaml for each.
Serves until interrupted (Ctrl-C / SIGTERM).

Options:
  --clusters N             number of clusters to start (1..10000)
  --kubeconfig-dir DIR     where to write the kubeconfig files (created if missing)
  --realtime-delay-ms M    real time of one controller step: pod start, PVC bind, ... (default 1000)
  --nodes K                nodes per cluster (default 3)
  -h, --help               show this help

Faults: annotate an object or its pod template with sim.flotilla.dev/fault: crash-loop | oom-kill | image-pull |
unschedulable | pvc-pending | lb-pending.

git: serves the repository DIR (a work tree or a bare repository) read-only over smart HTTP with the real
\`git http-backend\`, prints its clone URL (http://HOST:PORT/<name>.git, for git clone or an application's repoUrl)
and serves until interrupted. --port defaults to 0 (any free port), --host to 127.0.0.1.

Example:
  flotilla-sim --clusters 2 --kubeconfig-dir /tmp/sim && kubectl --kubeconfig /tmp/sim/cluster-1.yaml get deploy -w
`;

export interface CliOptions {
  clusters: number;
  kubeconfigDir: string;
  delayMs: number;
  nodes: number;
}

export interface GitCliOptions {
  repo: string;
  port: number;
  host: string;
}

export class UsageError extends Error {}

function intFlag(flag: string, raw: string | undefined, fallback: number | undefined, min: number, max: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${flag} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag}: expected a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${flag}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Parses the command line; returns undefined for --help. Throws UsageError naming the bad flag. */
export function parseCli(argv: string[]): CliOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        clusters: { type: 'string' },
        'kubeconfig-dir': { type: 'string' },
        'realtime-delay-ms': { type: 'string' },
        nodes: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return undefined;
  const dir = values['kubeconfig-dir'];
  if (typeof dir !== 'string' || dir === '') throw new UsageError('--kubeconfig-dir is required');
  return {
    clusters: intFlag('clusters', values.clusters as string | undefined, undefined, 1, 10_000),
    kubeconfigDir: resolve(dir),
    delayMs: intFlag('realtime-delay-ms', values['realtime-delay-ms'] as string | undefined, 1000, 0, 3_600_000),
    nodes: intFlag('nodes', values.nodes as string | undefined, 3, 0, 100),
  };
}

/** Parses `flotilla-sim git ...` (argv without the word git); returns undefined for --help. */
export function parseGitCli(argv: string[]): GitCliOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { repo: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return undefined;
  const repo = values.repo;
  if (typeof repo !== 'string' || repo === '') throw new UsageError('git: --repo is required');
  const host = values.host;
  if (host !== undefined && (typeof host !== 'string' || host === '')) throw new UsageError('git: --host must not be empty');
  return { repo: resolve(repo), port: intFlag('port', values.port as string | undefined, 0, 0, 65_535), host: (host as string | undefined) ?? '127.0.0.1' };
}

/** Resolves on the first SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function serveGit(o: GitCliOptions): Promise<void> {
  const { serveRepository } = await import('@flotilla/testkit');
  const served = await serveRepository(o.repo, { host: o.host, port: o.port });
  process.stdout.write(`flotilla-sim git: serving ${served.gitDir} read-only at ${served.cloneUrl}; Ctrl-C to stop\n`);
  await interrupted();
  await served.close();
  process.stdout.write('flotilla-sim git: stopped\n');
}

async function serve(o: CliOptions): Promise<void> {
  await mkdir(o.kubeconfigDir, { recursive: true });
  // Loaded only now, so --help and flag errors answer without loading the whole simulator.
  const { startCluster } = await import('./server/cluster.js');
  const clusters: SimulatedCluster[] = [];
  const closeAll = (): Promise<unknown> => Promise.all(clusters.map((c) => c.close()));
  try {
    for (let i = 1; i <= o.clusters; i++) clusters.push(await startCluster({ name: `cluster-${i}`, controllers: { stepMs: o.delayMs, nodes: o.nodes } }));
    for (const c of clusters) {
      const path = join(o.kubeconfigDir, `${c.name}.yaml`);
      await c.writeKubeconfig(path);
      process.stdout.write(`${c.name} ${c.server} kubeconfig ${path}\n`);
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  process.stdout.write(`flotilla-sim: ${o.clusters} cluster(s) serving; kubeconfigs in ${o.kubeconfigDir}; Ctrl-C to stop\n`);
  await interrupted();
  await closeAll();
  process.stdout.write('flotilla-sim: stopped\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'git') {
    let git: GitCliOptions | undefined;
    try {
      git = parseGitCli(argv.slice(1));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      process.stderr.write(`flotilla-sim: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (!git) {
      process.stdout.write(USAGE);
      return 0;
    }
    await serveGit(git);
    return 0;
  }
  let opts: CliOptions | undefined;
  try {
    opts = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`flotilla-sim: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(USAGE);
    return 0;
  }
  await serve(opts);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`flotilla-sim: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
