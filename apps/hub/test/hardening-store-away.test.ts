// PostgreSQL gone or black-holed (a TCP proxy on 127.0.0.1 that stops answering): /readyz answers 503 within its
// deadline, API calls fail with 503 Unavailable and Retry-After (gRPC: UNAVAILABLE), never 500 or a hang, and the hub
// serves again once the database is back.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ListClustersRequestSchema, create } from '@flotilla/proto';
import { createTestDatabase, postgresAvailable, testPostgresUrl, waitFor } from '@flotilla/testkit';
import type { TestDatabase } from '@flotilla/testkit';
import { startTestHub } from './support/hub.js';
import type { TestHub } from './support/hub.js';

const pgUp = await postgresAvailable();

/** Forwards to PostgreSQL until black-holed: then accepts connections and drops every byte both ways. */
class BlackHoleProxy {
  private blackHoled = false;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.accept(client));

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  blackHole(): void {
    this.blackHoled = true;
  }

  /** The network heals: connections that went silent are reset, new ones reach the database. */
  restore(): void {
    this.blackHoled = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.blackHoled) return;
    const upstream = net.connect(this.target);
    this.track(upstream);
    client.on('data', (chunk) => this.blackHoled || upstream.write(chunk));
    upstream.on('data', (chunk) => this.blackHoled || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

describe.skipIf(!pgUp)('the hub with its PostgreSQL away', () => {
  let database: TestDatabase | undefined;
  let proxy: BlackHoleProxy | undefined;
  let hub: TestHub | undefined;
  afterEach(async () => {
    proxy?.restore();
    await hub?.close();
    await proxy?.close();
    await database?.drop();
    hub = proxy = database = undefined;
  });

  it('answers 503 with Retry-After on REST and UNAVAILABLE on gRPC while black-holed, and serves again once back', async () => {
    database = await createTestDatabase();
    const real = new URL(testPostgresUrl());
    proxy = new BlackHoleProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(await proxy.listen());
    hub = await startTestHub({ databaseUrl: url.toString(), storeTimeouts: { connectMs: 500, statementMs: 1_000 } });
    expect((await hub.rest('GET', '/api/v1/clusters')).status).toBe(200);

    proxy.blackHole();
    const abort = AbortSignal.timeout(20_000);
    const ready = await fetch(`${hub.hub.httpUrl}/readyz`, { signal: abort });
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');

    const listed = await fetch(`${hub.hub.httpUrl}/api/v1/clusters`, { headers: { authorization: `Bearer ${hub.admin}` }, signal: abort });
    expect(listed.status).toBe(503);
    expect(listed.headers.get('retry-after')).toBe('5');
    expect(await listed.json()).toMatchObject({ code: 'Unavailable', message: 'the store does not answer; retry later', details: { retryAfterSeconds: 5 } });

    const client = hub.fleetClient();
    const err = await client.listClusters(create(ListClustersRequestSchema, {}), { metadata: bearerMetadata(hub.admin) }).then(
      () => undefined,
      (e: unknown) => e as grpc.ServiceError,
    );
    expect(err?.code).toBe(grpc.status.UNAVAILABLE);

    proxy.restore();
    await waitFor(async () => (await hub!.rest('GET', '/readyz')).status === 200, { description: 'ready again', timeoutMs: 20_000 });
    expect((await hub.rest('GET', '/api/v1/clusters')).status).toBe(200);
  });
});

function bearerMetadata(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}
