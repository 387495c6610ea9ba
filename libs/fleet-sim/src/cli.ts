// Parses `flotilla-sim-fleet` arguments into options; every problem names its flag.
import { parseArgs } from 'node:util';
import { clusterSpecs } from './fleet.js';
import type { ClusterSpec } from './fleet.js';

export const usage = `Usage: flotilla-sim-fleet --hub HOST:PORT --bootstrap-token TOKEN --clusters N [options]

Stands up N simulated clusters in this process, each with its own identity, credential and gRPC connection to the
hub. They register with the bootstrap token (it must allow N uses), connect, acknowledge every desired state, report
it Synced at once and Healthy after --healthy-after-ms, and heartbeat. Nothing is rendered or applied. Runs until
interrupted (Ctrl-C / SIGTERM) and prints a line whenever the fleet's holdings change.

Options:
  --hub HOST:PORT           the hub's gRPC address (required)
  --bootstrap-token TOKEN   a registration token (flt_reg_...; or FLOTILLA_BOOTSTRAP_TOKEN)
  --clusters N              how many clusters (1..20000)
  --prefix NAME             cluster names are NAME-1 .. NAME-N (default sim)
  --label KEY=VALUE         a label on every cluster (repeatable)
  --spread KEY=V1,V2,...    label KEY cycled over the values, cluster by cluster (repeatable)
  --degraded NAME,...       these clusters report Degraded instead of Healthy
  --silent NAME,...         these clusters connect and then send nothing (no acks, statuses or heartbeats)
  --healthy-after-ms MS     delay from a snapshot to Healthy (default 2000)
  --heartbeat-ms MS         heartbeat period (default 10000)
  --concurrency K           registrations in flight at once (default 32)
  --hub-ca-file PATH        PEM of the hub's CA (TLS); without it the connection is plaintext
  -h, --help                show this help

Example:
  flotilla-sim-fleet --hub 127.0.0.1:9090 --hub-ca-file hub-ca.pem --bootstrap-token flt_reg_... \\
    --clusters 1000 --label env=prod --spread region=eu,us,ap --degraded sim-7
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliOptions {
  hubAddress: string;
  bootstrapToken: string;
  clusters: ClusterSpec[];
  healthyAfterMs: number;
  heartbeatMs: number;
  concurrency: number;
  hubCaFile?: string;
}

function int(flag: string, raw: string | undefined, fallback: number | undefined, min: number, max: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${flag} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag}: expected a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${flag}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

function pair(flag: string, raw: string): [string, string] {
  const at = raw.indexOf('=');
  if (at <= 0) throw new UsageError(`--${flag}: expected KEY=VALUE, got ${JSON.stringify(raw)}`);
  return [raw.slice(0, at), raw.slice(at + 1)];
}

/** Parses argv; undefined means --help. Throws UsageError naming the bad flag or cluster. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        hub: { type: 'string' },
        'bootstrap-token': { type: 'string' },
        clusters: { type: 'string' },
        prefix: { type: 'string' },
        label: { type: 'string', multiple: true },
        spread: { type: 'string', multiple: true },
        degraded: { type: 'string' },
        silent: { type: 'string' },
        'healthy-after-ms': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        concurrency: { type: 'string' },
        'hub-ca-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return undefined;
  if (!values.hub) throw new UsageError('--hub is required (the hub gRPC address, HOST:PORT)');
  const bootstrapToken = values['bootstrap-token'] ?? env['FLOTILLA_BOOTSTRAP_TOKEN'];
  if (!bootstrapToken) throw new UsageError('--bootstrap-token (or FLOTILLA_BOOTSTRAP_TOKEN) is required');
  const count = int('clusters', values.clusters, undefined, 1, 20_000);
  const labels = Object.fromEntries((values.label ?? []).map((l) => pair('label', l)));
  const spread = Object.fromEntries((values.spread ?? []).map((s) => {
    const [key, list] = pair('spread', s);
    return [key, list.split(',').filter(Boolean)];
  }));
  const clusters = clusterSpecs(count, { ...(values.prefix ? { prefix: values.prefix } : {}), labels, spread });
  const byName = new Map(clusters.map((c) => [c.name, c]));
  for (const behaviour of ['degraded', 'silent'] as const) {
    for (const name of (values[behaviour] ?? '').split(',').filter(Boolean)) {
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`--${behaviour}: no cluster named "${name}" (names are ${clusters[0]?.name} .. ${clusters.at(-1)?.name})`);
      spec.behaviour = behaviour;
    }
  }
  return {
    hubAddress: values.hub,
    bootstrapToken,
    clusters,
    healthyAfterMs: int('healthy-after-ms', values['healthy-after-ms'], 2_000, 0, 86_400_000),
    heartbeatMs: int('heartbeat-ms', values['heartbeat-ms'], 10_000, 100, 86_400_000),
    concurrency: int('concurrency', values.concurrency, 32, 1, 1_000),
    ...(values['hub-ca-file'] ? { hubCaFile: values['hub-ca-file'] } : {}),
  };
}
