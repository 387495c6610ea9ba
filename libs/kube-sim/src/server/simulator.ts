// Many simulated clusters in one process (the CLI and the fleet benchmarks).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import type { SimulatedCluster, StartClusterOptions } from './cluster.js';
import { startCluster } from './cluster.js';

export interface StartSimulatorOptions {
  clusters: number;
  /** Cluster names are `<prefix>-<i>` (from 1). Default `cluster`. */
  namePrefix?: string;
  clock?: Clock;
  /** Passed to every cluster (see StartClusterOptions.controllers). */
  controllers?: StartClusterOptions['controllers'];
}

export interface Simulator {
  readonly clusters: readonly SimulatedCluster[];
  /** Writes `<dir>/<cluster name>.kubeconfig` for every cluster; returns the paths. */
  writeKubeconfigs(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions): Promise<Simulator> {
  const clusters: SimulatedCluster[] = [];
  const prefix = opts.namePrefix ?? 'cluster';
  try {
    for (let i = 1; i <= opts.clusters; i++) {
      const o: Parameters<typeof startCluster>[0] = { name: `${prefix}-${i}` };
      if (opts.clock) o.clock = opts.clock;
      if (opts.controllers !== undefined) o.controllers = opts.controllers;
      clusters.push(await startCluster(o));
    }
  } catch (e) {
    await Promise.all(clusters.map((c) => c.close()));
    throw e;
  }
  return {
    clusters,
    async writeKubeconfigs(dir) {
      await mkdir(dir, { recursive: true });
      return Promise.all(
        clusters.map(async (c) => {
          const path = join(dir, `${c.name}.kubeconfig`);
          await c.writeKubeconfig(path);
          return path;
        }),
      );
    },
    close: async () => {
      await Promise.all(clusters.map((c) => c.close()));
    },
  };
}
