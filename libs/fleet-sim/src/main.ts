// `flotilla-sim-fleet`: N simulated clusters against a running hub, until interrupted.
import { readFileSync } from 'node:fs';
import { UsageError, parseCli, usage } from './cli.js';
import { SimulatedFleet } from './fleet.js';

function summary(fleet: SimulatedFleet): string {
  const byGeneration = new Map<string, number>();
  let connected = 0;
  for (const agent of fleet.agents) {
    if (agent.connected) connected++;
    const key = String(agent.snapshot?.generation ?? 0n);
    byGeneration.set(key, (byGeneration.get(key) ?? 0) + 1);
  }
  const holdings = [...byGeneration].map(([g, n]) => `${n} at generation ${g}`).join(', ');
  return `${connected}/${fleet.agents.length} connected; ${holdings}`;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`flotilla-sim-fleet: ${err.message}\n\n${usage}`);
      process.exit(2);
    }
    throw err;
  }
  if (!options) {
    process.stdout.write(usage);
    return;
  }
  let hubCa: string | undefined;
  if (options.hubCaFile) {
    try {
      hubCa = readFileSync(options.hubCaFile, 'utf8');
    } catch (err) {
      process.stderr.write(`flotilla-sim-fleet: --hub-ca-file: cannot read ${options.hubCaFile}: ${(err as Error).message}\n`);
      process.exit(2);
    }
  }
  const fleet = new SimulatedFleet({
    hubAddress: options.hubAddress,
    bootstrapToken: options.bootstrapToken,
    clusters: options.clusters,
    healthyAfterMs: options.healthyAfterMs,
    heartbeatMs: options.heartbeatMs,
    concurrency: options.concurrency,
    ...(hubCa ? { hubCa } : {}),
  });
  fleet.on('refused', (_agent, message: string) => process.stderr.write(`${message}\n`));
  // The gRPC connections keep the process alive; this keeps it alive on purpose while they reconnect, too.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = () => {
    fleet.stop();
    clearInterval(keepAlive);
    process.stdout.write(`stopped: ${summary(fleet)}\n`);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const started = Date.now();
  await fleet.register();
  process.stdout.write(`registered ${fleet.agents.length} clusters in ${Date.now() - started} ms\n`);
  await fleet.connect({ timeoutMs: 600_000 });
  process.stdout.write(`all ${fleet.agents.length} connected and holding a snapshot after ${Date.now() - started} ms\n`);
  let last = '';
  let pending = false;
  fleet.on('snapshot', () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      const line = summary(fleet);
      if (line !== last) process.stdout.write(`${new Date().toISOString()} ${(last = line)}\n`);
    }, 500);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`flotilla-sim-fleet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
