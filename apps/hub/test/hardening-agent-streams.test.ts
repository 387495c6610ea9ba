// Per-stream bounds of the agent gateway: a client that stops reading costs the hub one snapshot, not every change; it
// is closed when it stays behind; a stream must say Hello in time; a cluster holds one stream waiting for Hello.
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectResponseSchema, RegisterRequestSchema, bearer, create, toBinary } from '@flotilla/proto';
import { waitFor } from '@flotilla/testkit';
import { Registry } from 'prom-client';
import { AgentStream } from './support/agent-stream.js';
import { startHubB } from './support/hub-b.js';
import type { HubB } from './support/hub-b.js';
import { openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const A = 'a'.repeat(40);
const HELLO_TIMEOUT_MS = 10_000;
const BEHIND_LIMIT_MS = 60_000;

describe('agent stream bounds', () => {
  let fixture: StoreFixture;
  let hub: HubB;
  let registry: Registry;

  beforeAll(async () => {
    fixture = await openTestStore('pglite');
  });
  afterAll(async () => {
    await fixture.cleanup();
  });
  beforeEach(async () => {
    hub = await startHubB(fixture.store, { gateway: { helloTimeoutMs: HELLO_TIMEOUT_MS, behindLimitMs: BEHIND_LIMIT_MS } });
    registry = new Registry();
    hub.gateway.registerMetrics(registry);
  });
  afterEach(async () => {
    await hub.cleanup();
  });

  async function registered(name: string): Promise<{ clusterId: string; credential: string }> {
    const token = (await hub.auth.createRegistrationToken({ description: 'test' })).secret;
    return hub.agentClient().register(create(RegisterRequestSchema, { bootstrapToken: token, clusterName: name, agentVersion: '0.1.0' }));
  }

  function connect(credential: string): AgentStream {
    return new AgentStream(hub.agentClient().connect({ metadata: bearer(credential) }));
  }

  async function counter(name: string): Promise<number> {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
  }

  /**
   * A desired-state change whose snapshot is about 20 KB (the application's path is long): the first promotes it, the
   * next ones relabel the cluster (labels are part of its desired state; editing the application would move nobody).
   */
  async function change(i: number): Promise<void> {
    if (i === 0) await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: `deploy/${'x'.repeat(20_000)}` });
    else await hub.fleet.setClusterLabels('prod', { change: String(i) });
  }

  async function slowConsumer(): Promise<{ stream: AgentStream; clusterId: string; snapshotBytes: number }> {
    await change(0);
    await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const { clusterId, credential } = await registered('prod');
    const stream = connect(credential);
    stream.send({ case: 'hello', value: { agentVersion: '0.1.0', lastAppliedGeneration: 0n } as never });
    const first = await stream.nextSnapshot();
    const snapshotBytes = toBinary(ConnectResponseSchema, create(ConnectResponseSchema, { message: { case: 'desiredState', value: first } })).length;
    expect(snapshotBytes).toBeGreaterThan(20_000);
    // The agent stops reading: its HTTP/2 window fills and the hub's writes stop completing.
    stream.call.pause();
    return { stream, clusterId, snapshotBytes };
  }

  it('holds at most one unflushed message and the latest snapshot for an agent that stops reading, then delivers the latest', async () => {
    const { stream, snapshotBytes } = await slowConsumer();
    const changes = 60;
    let most = 0;
    for (let i = 1; i <= changes; i++) {
      await change(i);
      most = Math.max(most, hub.gateway.bufferedBytes());
    }
    await waitFor(async () => (await counter('flotilla_agent_snapshots_coalesced_total')) > 0, { description: 'snapshots coalesced' });
    most = Math.max(most, hub.gateway.bufferedBytes());
    // Every change written would be 60 x 20 KB = 1.2 MB; bounded, it is one snapshot in flight (plus a ping).
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(snapshotBytes + 200);
    expect(Number((await registry.getSingleMetricAsString('flotilla_agent_stream_buffered_bytes')).split(' ').at(-1))).toBeLessThanOrEqual(snapshotBytes + 200);

    const latest = BigInt((await hub.fleet.getCluster('prod')).generation);
    stream.call.resume();
    let received = 0;
    for (;;) {
      const snapshot = await stream.nextSnapshot();
      received++;
      if (snapshot.generation === latest) {
        expect(snapshot.apps[0]?.parameters?.clusterLabels['change']).toBe(String(changes));
        break;
      }
    }
    expect(received).toBeLessThan(changes);
    await waitFor(() => hub.gateway.bufferedBytes() === 0, { description: 'nothing left buffered' });
    stream.close();
  });

  it('closes a stream that stays behind past the limit and gives back what it held', async () => {
    const { stream } = await slowConsumer();
    for (let i = 1; i <= 10; i++) await change(i);
    await waitFor(async () => (await counter('flotilla_agent_snapshots_coalesced_total')) > 0, { description: 'snapshots coalesced' });
    hub.clock.advance(BEHIND_LIMIT_MS - 1);
    expect(hub.gateway.connectedClusters()).toHaveLength(1);
    hub.clock.advance(1);
    expect(hub.gateway.connectedClusters()).toEqual([]);
    expect(hub.gateway.bufferedBytes()).toBe(0);
    expect(await registry.getSingleMetricAsString('flotilla_agent_streams_closed_total')).toContain('code="ResourceExhausted"} 1');
    stream.call.resume();
    expect((await stream.ended).code).not.toBe(grpc.status.OK);
    await waitFor(async () => !(await hub.fleet.getCluster('prod')).connected, { description: 'prod recorded disconnected' });
  });

  it('closes a stream that sends no Hello within the deadline', async () => {
    const { clusterId, credential } = await registered('prod');
    const stream = connect(credential);
    await waitFor(() => hub.gateway.awaitingHello().includes(clusterId), { description: 'stream authenticated' });
    hub.clock.advance(HELLO_TIMEOUT_MS - 1);
    expect(hub.gateway.awaitingHello()).toEqual([clusterId]);
    hub.clock.advance(1);
    expect(await stream.ended).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, details: 'no hello within 10s of opening the stream' });
    expect(hub.gateway.awaitingHello()).toEqual([]);
  });

  it('keeps one stream per cluster waiting for Hello: a newer one replaces the older', async () => {
    const { clusterId, credential } = await registered('prod');
    const first = connect(credential);
    await waitFor(() => hub.gateway.awaitingHello().includes(clusterId), { description: 'first stream authenticated' });
    const second = connect(credential);
    expect(await first.ended).toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'replaced by a newer stream of cluster "prod" before its hello',
    });
    second.send({ case: 'hello', value: { agentVersion: '0.1.0', lastAppliedGeneration: 0n } as never });
    expect((await second.nextSnapshot()).clusterId).toBe(clusterId);
    second.close();
  });

  it('ends the stream with RESOURCE_EXHAUSTED, naming the size, for a snapshot over the send limit rather than dropping it silently', async () => {
    await hub.cleanup();
    hub = await startHubB(fixture.store, { gateway: { maxMessageBytes: 10_000 } });
    await change(0);
    await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const { credential } = await registered('prod');
    const stream = connect(credential);
    stream.send({ case: 'hello', value: { agentVersion: '0.1.0', lastAppliedGeneration: 0n } as never });
    const end = await stream.ended;
    expect(end.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(end.details).toMatch(/^the desired state of cluster "prod" is \d+ bytes, over the hub's message limit of 10000 bytes$/);
  });
});
