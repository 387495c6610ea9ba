// A hub's fleet, rollout and agent gateway on a real store and a real gRPC socket, for hub B's tests.
import * as grpc from '@grpc/grpc-js';
import { AgentService, createClient } from '@flotilla/proto';
import type { ServiceClient } from '@flotilla/proto';
import { FakeClock } from '@flotilla/testkit';
import { createAgentGateway } from '../../src/agent-gateway/index.js';
import type { AgentGateway, AgentGatewayOptions, GatewayLogger } from '../../src/agent-gateway/index.js';
import { createAuth } from '../../src/auth/index.js';
import type { Auth } from '../../src/auth/index.js';
import { createFleet } from '../../src/fleet/index.js';
import type { Fleet } from '../../src/fleet/index.js';
import { createRollout } from '../../src/rollout/index.js';
import type { Rollout } from '../../src/rollout/index.js';
import type { Store } from '../../src/store/index.js';
import { sql } from 'drizzle-orm';

export const PING_INTERVAL_MS = 15_000;

export interface HubB {
  store: Store;
  clock: FakeClock;
  auth: Auth;
  fleet: Fleet;
  rollout: Rollout;
  gateway: AgentGateway;
  address: string;
  /** A client of AgentService over the socket; closed by cleanup. */
  agentClient(): ServiceClient<(typeof AgentService)['method']>;
  cleanup(): Promise<void>;
}

/** Empties every table, so one migrated store (slow to open) serves a whole file of tests. */
export async function resetStore(store: Store): Promise<void> {
  const result = await store.execute(sql`select tablename from pg_tables where schemaname = 'public'`);
  const rows = (result as unknown as { rows: { tablename: string }[] }).rows;
  if (rows.length === 0) return;
  await store.execute(sql.raw(`truncate ${rows.map((r) => `"${r.tablename}"`).join(', ')} restart identity cascade`));
}

/** Services and a gRPC server over `store`, which is emptied first; cleanup leaves the store open. */
export async function startHubB(store: Store, options: { logger?: GatewayLogger; gateway?: Partial<AgentGatewayOptions> } = {}): Promise<HubB> {
  await resetStore(store);
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const auth = createAuth({ db: store, now: () => clock.now() });
  const fleet = createFleet({ db: store, auth, clock });
  const rollout = createRollout({ db: store, fleet });
  rollout.startDriving();
  const gateway = createAgentGateway({ fleet, auth, hubEpoch: store.epoch, pingIntervalMs: PING_INTERVAL_MS, ...(options.logger ? { logger: options.logger } : {}), ...options.gateway });
  const server = new grpc.Server();
  gateway.addTo(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  const clients: { close(): void }[] = [];
  return {
    store,
    clock,
    auth,
    fleet,
    rollout,
    gateway,
    address,
    agentClient() {
      const client = createClient(AgentService, address, grpc.credentials.createInsecure());
      clients.push(client);
      return client;
    },
    async cleanup() {
      await rollout.stopDriving();
      await gateway.close();
      for (const client of clients) client.close();
      server.forceShutdown();
      await fleet.stop();
    },
  };
}
