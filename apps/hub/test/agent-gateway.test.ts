// AgentService over a real gRPC socket and a real store (PGlite in memory, and PostgreSQL when it answers): the agent's
// whole session contract — registration, authentication, snapshots, pushes, revocation and bad input.
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AppStatusSchema,
  HealthStatus,
  RegisterRequestSchema,
  RenderEngine,
  RotateCredentialRequestSchema,
  SyncStatus,
  bearer,
  create,
} from '@flotilla/proto';
import type { AppStatus } from '@flotilla/proto';
import { postgresAvailable, waitFor } from '@flotilla/testkit';
import { Registry } from 'prom-client';
import { CLUSTER_METADATA } from '../src/agent-gateway/index.js';
import { AgentStream } from './support/agent-stream.js';
import { PING_INTERVAL_MS, startHubB } from './support/hub-b.js';
import type { HubB } from './support/hub-b.js';
import { drivers, openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const UNKNOWN_REG = `flt_reg_0123456789abcdef_${'x'.repeat(43)}`;
const pgUp = await postgresAvailable();

describe.each(drivers)('AgentService on %s', (driver) => {
  let fixture: StoreFixture | undefined;
  let hub: HubB;
  let running: HubB | undefined;
  let client: ReturnType<HubB['agentClient']>;

  beforeAll(async () => {
    if (driver === 'postgres' && !pgUp) return;
    fixture = await openTestStore(driver);
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });
  beforeEach(async (ctx) => {
    if (!fixture) return ctx.skip();
    hub = running = await startHubB(fixture.store);
    client = hub.agentClient();
  });
  afterEach(async () => {
    await running?.cleanup();
    running = undefined;
  });

  async function registrationToken(options: { ttlSeconds?: number; maxUses?: number } = {}): Promise<string> {
    return (await hub.auth.createRegistrationToken({ description: 'test', ...options })).secret;
  }

  function register(token: string, name: string, labels: Record<string, string> = {}) {
    return client.register(create(RegisterRequestSchema, { bootstrapToken: token, clusterName: name, labels, agentVersion: '0.1.0' }));
  }

  async function registered(name: string, labels: Record<string, string> = {}) {
    return register(await registrationToken(), name, labels);
  }

  function connect(credential?: string, extra: Record<string, string> = {}): AgentStream {
    const metadata = credential === undefined ? new grpc.Metadata() : bearer(credential);
    for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
    return new AgentStream(client.connect({ metadata }));
  }

  async function hello(credential: string, lastApplied = 0n) {
    const stream = connect(credential);
    stream.send({ case: 'hello', value: { agentVersion: '0.1.0', lastAppliedGeneration: lastApplied } as never });
    return { stream, snapshot: await stream.nextSnapshot() };
  }

  async function rejection(call: Promise<unknown>): Promise<grpc.ServiceError> {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e as grpc.ServiceError,
    );
    if (!err) throw new Error('expected the call to fail');
    return err;
  }

  function status(app: string, generation: bigint, commit: string, sync: SyncStatus, health: HealthStatus, syncError = ''): AppStatus {
    return create(AppStatusSchema, { app, observedGeneration: generation, observedCommit: commit, sync, health, syncError });
  }

  async function report(stream: AgentStream, clusterId: string, apps: AppStatus[]): Promise<void> {
    stream.send({ case: 'status', value: { apps } as never });
    const last = apps.at(-1)!;
    await waitFor(() => hub.fleet.statuses.buffered(clusterId, last.app)?.observedGeneration === Number(last.observedGeneration), {
      description: `status of ${last.app} from ${clusterId} taken in`,
    });
  }

  describe('Register', () => {
    it('exchanges a good bootstrap token for a cluster credential and creates the cluster', async () => {
      const response = await registered('prod-eu-1', { env: 'prod', 'topology.kubernetes.io/region': 'eu-west-1' });
      expect(response.credential).toMatch(/^flt_cl_/);
      expect(response.clusterId).not.toBe('');
      const cluster = await hub.fleet.getCluster('prod-eu-1');
      expect(cluster).toMatchObject({ id: response.clusterId, labels: { env: 'prod', 'topology.kubernetes.io/region': 'eu-west-1' }, agentVersion: '0.1.0' });
    });

    it('refuses unknown, expired, used-up and revoked tokens with clear errors and writes nothing', async () => {
      const unknown = await rejection(register(UNKNOWN_REG, 'c1'));
      expect(unknown.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(unknown.details).toContain('unknown registration token');

      const expiring = await registrationToken({ ttlSeconds: 60 });
      hub.clock.advance(61_000);
      const expired = await rejection(register(expiring, 'c2'));
      expect(expired.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(expired.details).toMatch(/expired/);

      const once = await registrationToken({ maxUses: 1 });
      await register(once, 'c3');
      const usedUp = await rejection(register(once, 'c4'));
      expect(usedUp.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(usedUp.details).toMatch(/use/);

      const revokedToken = await hub.auth.createRegistrationToken({});
      await hub.auth.revokeRegistrationToken(revokedToken.token.id);
      const revoked = await rejection(register(revokedToken.secret, 'c5'));
      expect(revoked.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(revoked.details).toMatch(/revoked/);

      expect((await hub.fleet.listClusters()).map((c) => c.name)).toEqual(['c3']);
    });

    it('names the bad field of an invalid name or label and gives the token use back', async () => {
      const token = await hub.auth.createRegistrationToken({ maxUses: 1 });
      const badName = await rejection(register(token.secret, 'Prod_EU'));
      expect(badName.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(badName.details).toMatch(/^cluster_name: "Prod_EU" is not a DNS-1123 label/);
      const badLabel = await rejection(register(token.secret, 'prod', { env: 'has space' }));
      expect(badLabel.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(badLabel.details).toContain('labels["env"]: value "has space"');
      expect(await hub.fleet.listClusters()).toEqual([]);
      // Both failures rolled back their use, so the single-use token still registers.
      await register(token.secret, 'prod');
      expect((await hub.auth.listRegistrationTokens())[0]?.uses).toBe(1);
    });

    it('refuses a name that is already registered', async () => {
      await registered('prod');
      const err = await rejection(registered('prod'));
      expect(err.code).toBe(grpc.status.ALREADY_EXISTS);
      expect(err.details).toBe('cluster "prod" is already registered');
    });

    it('registers a revoked cluster\'s name again as a new identity', async () => {
      const old = await registered('prod');
      await hub.fleet.revokeCluster('prod');
      const again = await registered('prod');
      expect(again.clusterId).not.toBe(old.clusterId);
      expect(await hub.fleet.getCluster('prod')).toMatchObject({ id: again.clusterId, revoked: false });
      expect((await connect(old.credential).ended).code).toBe(grpc.status.UNAUTHENTICATED);
      const { snapshot, stream } = await hello(again.credential);
      expect(snapshot.clusterId).toBe(again.clusterId);
      stream.close();
    });
  });

  describe('Connect', () => {
    it('refuses a stream without, with an unknown, a revoked or an expired credential', async () => {
      const none = await connect().ended;
      expect(none).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'missing cluster credential' });
      const unknown = await connect(`flt_cl_0123456789abcdef_${'y'.repeat(43)}`).ended;
      expect(unknown.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(unknown.details).toContain('unknown cluster credential');
      const { credential } = await registered('prod');
      await hub.fleet.revokeCluster('prod');
      const revoked = await connect(credential).ended;
      expect(revoked).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'cluster "prod" was revoked' });
      const old = await registered('old');
      hub.clock.advance(31 * 24 * 60 * 60 * 1000);
      const expired = await connect(old.credential).ended;
      expect(expired.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(expired.details).toMatch(/expired/);
      expect(hub.gateway.connectedClusters()).toEqual([]);
    });

    it('ends an open stream when the credential that opened it expires', async () => {
      const { stream } = await hello((await registered('prod')).credential);
      hub.clock.advance(31 * 24 * 60 * 60 * 1000);
      const end = await stream.ended;
      expect(end.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(end.details).toMatch(/^the credential of cluster "prod" expired at /);
      // 31 days of 15 s pings on the fake clock: slow on a loaded machine.
    }, 120_000);

    it("refuses a stream that presents another cluster's identity", async () => {
      const mine = await registered('staging');
      await registered('prod');
      const stream = connect(mine.credential, { [CLUSTER_METADATA]: 'prod' });
      const end = await stream.ended;
      expect(end.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(end.details).toBe(`this stream's credential belongs to cluster "staging" but the stream presents itself as "prod"`);
      // Its own name is fine.
      const own = connect(mine.credential, { [CLUSTER_METADATA]: 'staging' });
      own.send({ case: 'hello', value: { agentVersion: '1' } as never });
      expect((await own.nextSnapshot()).clusterId).toBe(mine.clusterId);
      own.close();
    });

    it('answers Hello with the complete snapshot, render engine included, and records the session', async () => {
      await hub.fleet.putApplication({
        name: 'shop',
        repoUrl: 'http://git.example/shop.git',
        path: 'deploy',
        clusterSelector: 'env=prod',
        defaultNamespace: 'shop',
        renderEngine: 'kustomize-binary',
      });
      await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      const { clusterId, credential } = await registered('prod-eu-1', { env: 'prod' });
      const { stream, snapshot } = await hello(credential);
      expect(snapshot.clusterId).toBe(clusterId);
      expect(snapshot.generation).toBe(1n);
      expect(snapshot.apps).toHaveLength(1);
      expect(snapshot.apps[0]).toMatchObject({
        app: 'shop',
        repoUrl: 'http://git.example/shop.git',
        path: 'deploy',
        commit: A,
        defaultNamespace: 'shop',
        renderEngine: RenderEngine.KUSTOMIZE_BINARY,
        parameters: { clusterName: 'prod-eu-1', clusterLabels: { env: 'prod' }, stage: 'default' },
      });
      const cluster = await hub.fleet.getCluster('prod-eu-1');
      expect(cluster).toMatchObject({ connected: true, agentVersion: '0.1.0', generation: 1 });
      expect(cluster.lastSeen).toEqual(hub.clock.now());
      stream.close();
      await waitFor(async () => !(await hub.fleet.getCluster('prod-eu-1')).connected, { description: 'prod-eu-1 disconnected' });
    });

    it('pushes a new snapshot with a higher generation when a promotion changes the desired state', async () => {
      await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
      const { credential } = await registered('prod');
      const { stream, snapshot } = await hello(credential);
      expect(snapshot.apps).toEqual([]);
      await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      const pushed = await stream.nextSnapshot();
      expect(pushed.generation).toBeGreaterThan(snapshot.generation);
      expect(pushed.apps.map((a) => [a.app, a.commit, a.renderEngine])).toEqual([['shop', A, RenderEngine.BUILTIN]]);
      stream.close();
    });

    it('gives a reconnecting agent the latest snapshot', async () => {
      await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
      const { credential } = await registered('prod');
      const first = await hello(credential);
      first.stream.close();
      await first.stream.ended;
      await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      await hub.rollout.createPromotion({ app: 'shop', commit: B, actor: 'ci' });
      const again = await hello(credential, first.snapshot.generation);
      expect(again.snapshot.generation).toBe(3n);
      expect(again.snapshot.apps.map((a) => a.commit)).toEqual([B]);
      again.stream.close();
    });

    it('closes an open stream at once when its cluster is revoked', async () => {
      const { credential } = await registered('prod');
      const { stream } = await hello(credential);
      const revoked = await hub.fleet.revokeCluster('prod');
      expect(revoked.revoked).toBe(true);
      expect(await stream.ended).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'cluster "prod" was revoked' });
      await waitFor(async () => !(await hub.fleet.getCluster('prod')).connected, { description: 'prod disconnected' });
    });

    it('closes an authenticated stream revoked before its Hello', async () => {
      const { clusterId, credential } = await registered('prod');
      const stream = connect(credential);
      await waitFor(() => hub.fleet.notifier.subscriberCount(clusterId) === 1, { description: 'stream authenticated' });
      await hub.fleet.revokeCluster('prod');
      expect(await stream.ended).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'cluster "prod" was revoked' });
      expect(hub.fleet.notifier.subscriberCount(clusterId)).toBe(0);
    });

    it('lets a new stream of a cluster replace the old one', async () => {
      const { credential } = await registered('prod');
      const old = await hello(credential);
      const fresh = await hello(credential);
      expect(await old.stream.ended).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, details: 'replaced by a newer stream of cluster "prod"' });
      expect(hub.gateway.connectedClusters()).toHaveLength(1);
      expect((await hub.fleet.getCluster('prod')).connected).toBe(true);
      fresh.stream.close();
    });

    it('publishes stream and message metrics', async () => {
      const registry = new Registry();
      hub.gateway.registerMetrics(registry);
      const { credential } = await registered('prod');
      const { stream } = await hello(credential);
      const text = await registry.metrics();
      expect(text).toContain('flotilla_agent_streams 1');
      expect(text).toContain('flotilla_agent_messages_total{kind="hello"} 1');
      expect(text).toContain('flotilla_agent_snapshots_sent_total 1');
      stream.close();
    });

    it('pings open streams on the hub clock', async () => {
      const { credential } = await registered('prod');
      const { stream } = await hello(credential);
      hub.clock.advance(PING_INTERVAL_MS);
      const message = await stream.next();
      expect(message.message.case).toBe('ping');
      stream.close();
    });

    it('rotates a credential when called with the current one', async () => {
      const { credential } = await registered('prod');
      const rotated = await client.rotateCredential(create(RotateCredentialRequestSchema, {}), { metadata: bearer(credential) });
      expect(rotated.credential).not.toBe(credential);
      const { stream, snapshot } = await hello(rotated.credential);
      expect(snapshot.generation).toBe(1n);
      stream.close();
      const refused = await rejection(client.rotateCredential(create(RotateCredentialRequestSchema, {})));
      expect(refused.code).toBe(grpc.status.UNAUTHENTICATED);
    });
  });

  describe('bad input', () => {
    it('ends a stream that does not start with Hello or says Hello twice, and keeps serving', async () => {
      const { credential } = await registered('prod');
      const stream = connect(credential);
      stream.send({ case: 'heartbeat', value: {} as never });
      expect(await stream.ended).toMatchObject({
        code: grpc.status.FAILED_PRECONDITION,
        details: 'the first message on a Connect stream must be hello, got heartbeat',
      });
      const twice = (await hello(credential)).stream;
      twice.send({ case: 'hello', value: { agentVersion: '0.1.0' } as never });
      expect(await twice.ended).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, details: 'hello was already sent on this stream' });
      const { snapshot, stream: good } = await hello(credential);
      expect(snapshot.generation).toBe(1n);
      good.close();
    });

    it('ends a stream that sends bytes that are not a ConnectRequest, and keeps serving', async () => {
      const { credential } = await registered('prod');
      const passThrough = (b: Buffer) => b;
      const Raw = grpc.makeGenericClientConstructor(
        {
          connect: {
            path: '/flotilla.agent.v1.AgentService/Connect',
            requestStream: true,
            responseStream: true,
            requestSerialize: passThrough,
            requestDeserialize: passThrough,
            responseSerialize: passThrough,
            responseDeserialize: passThrough,
          },
        },
        'RawAgentService',
      );
      const raw = new Raw(hub.address, grpc.credentials.createInsecure());
      try {
        const call = (raw as unknown as { connect(m: grpc.Metadata): grpc.ClientDuplexStream<Buffer, Buffer> }).connect(bearer(credential));
        const end = new Promise<grpc.StatusObject>((resolve) => {
          call.on('error', () => undefined);
          call.on('status', resolve);
        });
        // Field 1 (hello) as a length-delimited field whose length runs past the end of the frame.
        call.write(Buffer.from([0x0a, 0x7f, 0x01]));
        const status = await end;
        expect(status.code).not.toBe(grpc.status.OK);
        expect(status.details).toMatch(/deserializ/i);
      } finally {
        raw.close();
      }
      const good = await hello(credential);
      expect(good.snapshot.generation).toBe(1n);
      good.stream.close();
    });

    it('ends a stream that reports an unknown application or an empty frame, and keeps serving', async () => {
      const { credential } = await registered('prod');
      const unknownApp = (await hello(credential)).stream;
      unknownApp.send({ case: 'status', value: { apps: [status('ghost', 1n, A, SyncStatus.SYNCED, HealthStatus.HEALTHY)] } as never });
      expect(await unknownApp.ended).toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: 'status.apps[0].app: application "ghost" does not exist on this hub',
      });

      const empty = (await hello(credential)).stream;
      empty.send(undefined as never);
      expect(await empty.ended).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      expect((await empty.ended).details).toContain('ConnectRequest carries no message');

      const good = await hello(credential);
      expect(good.snapshot.clusterId).not.toBe('');
      good.stream.close();
    });
  });

  describe('stale reports', () => {
    it('drops a status for an application deleted since, without ending the stream', async () => {
      await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
      await hub.fleet.putApplication({ name: 'blog', repoUrl: 'http://git.example/blog.git', path: 'deploy' });
      await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      const { clusterId, credential } = await registered('prod');
      const first = await hello(credential);
      await report(first.stream, clusterId, [status('shop', first.snapshot.generation, A, SyncStatus.SYNCED, HealthStatus.HEALTHY)]);
      await hub.fleet.flush();
      await hub.fleet.deleteApplication('shop');
      const pruned = await first.stream.nextSnapshot();
      expect(pruned.apps).toEqual([]);
      expect((await hub.fleet.getCluster('prod')).apps).toEqual([]);
      // The agent has not pruned yet and still reports shop: dropped, and the stream goes on.
      first.stream.send({ case: 'status', value: { apps: [status('shop', pruned.generation, A, SyncStatus.SYNCED, HealthStatus.HEALTHY)] } as never });
      await hub.rollout.createPromotion({ app: 'blog', commit: B, actor: 'ci' });
      expect((await first.stream.nextSnapshot()).apps.map((a) => a.app)).toEqual(['blog']);
      await hub.fleet.flush();
      expect((await hub.fleet.getCluster('prod')).apps).toEqual([]);
      first.stream.close();
    });
  });

  describe('promotion progress from reported statuses', () => {
    it('succeeds only when every target reports Synced and Healthy at the generation and commit asked', async () => {
      await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy', clusterSelector: 'env=prod' });
      const eu = await registered('prod-eu', { env: 'prod' });
      const us = await registered('prod-us', { env: 'prod' });
      await registered('dev', { env: 'dev' });
      const euSession = await hello(eu.credential);
      const usSession = await hello(us.credential);
      const promotion = await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      expect(promotion.targets.map((t) => t.cluster)).toEqual(['prod-eu', 'prod-us']);
      const euSnap = await euSession.stream.nextSnapshot();
      const usSnap = await usSession.stream.nextSnapshot();

      await report(euSession.stream, eu.clusterId, [status('shop', euSnap.generation, A, SyncStatus.SYNCED, HealthStatus.HEALTHY)]);
      // A status for an older generation does not count, even at the right commit.
      await report(usSession.stream, us.clusterId, [status('shop', usSnap.generation - 1n, A, SyncStatus.SYNCED, HealthStatus.HEALTHY)]);
      await hub.fleet.flush();
      let now = await hub.rollout.getPromotion(promotion.id);
      expect(now.state).toBe('Progressing');
      expect(now.message, JSON.stringify(now.targets.map((t) => [t.cluster, t.phase, t.note, t.generation, t.status]))).toBe('default/remaining: 1/2 healthy');

      await report(usSession.stream, us.clusterId, [status('shop', usSnap.generation, A, SyncStatus.SYNCED, HealthStatus.HEALTHY)]);
      await hub.fleet.flush();
      now = await hub.rollout.getPromotion(promotion.id);
      expect(now.state).toBe('Succeeded');
      expect(now.events.map((e) => e.reason)).toContain('wave remaining: 2/2 healthy for 0s, advancing');
      expect(now.events.at(-1)?.reason).toBe('aaaaaaa succeeded in default');
      expect(now.targets.map((t) => [t.cluster, t.status?.sync, t.status?.health])).toEqual([
        ['prod-eu', 'Synced', 'Healthy'],
        ['prod-us', 'Synced', 'Healthy'],
      ]);
      const listed = await hub.fleet.getCluster('prod-eu');
      expect(listed.apps.map((a) => [a.app, a.observedCommit, a.observedGeneration])).toEqual([['shop', A, Number(euSnap.generation)]]);
      euSession.stream.close();
      usSession.stream.close();
    });

    it('fails when a target reports a sync failure, naming the cluster and the error', async () => {
      await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
      const eu = await registered('prod-eu-3');
      const session = await hello(eu.credential);
      const promotion = await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      const snap = await session.stream.nextSnapshot();
      await report(session.stream, eu.clusterId, [
        status('shop', snap.generation, A, SyncStatus.FAILED, HealthStatus.UNKNOWN, 'git: commit aaaaaaa not found in http://git.example/shop.git'),
      ]);
      await hub.fleet.flush();
      const failed = await hub.rollout.getPromotion(promotion.id);
      expect(failed.state).toBe('Failed');
      expect(failed.message).toBe('halted: wave remaining: prod-eu-3 sync Failed: git: commit aaaaaaa not found in http://git.example/shop.git');
      session.stream.close();
    });
  });
});
