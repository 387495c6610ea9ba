// Desired state, generations, notifications, status coalescing and promotions on a real (PGlite) store, no network.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RenderEngine } from '@flotilla/proto';
import { FakeClock } from '@flotilla/testkit';
import { createAuth } from '../src/auth/index.js';
import { createFleet } from '../src/fleet/index.js';
import type { AppStatusView, Fleet } from '../src/fleet/index.js';
import { createRollout } from '../src/rollout/index.js';
import type { Rollout } from '../src/rollout/index.js';
import { resetStore } from './support/hub-b.js';
import { openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

let fixture: StoreFixture;
let fleet: Fleet;
let rollout: Rollout;
let clock: FakeClock;

beforeAll(async () => {
  fixture = await openTestStore('pglite');
});
afterAll(async () => {
  await fixture.cleanup();
});
beforeEach(async () => {
  await resetStore(fixture.store);
  clock = new FakeClock('2026-03-01T12:00:00Z');
  const auth = createAuth({ db: fixture.store, now: () => clock.now() });
  fleet = createFleet({ db: fixture.store, auth, clock });
  rollout = createRollout({ db: fixture.store, fleet });
  rollout.startDriving();
});
afterEach(async () => {
  await rollout.stopDriving();
});

async function cluster(name: string, labels: Record<string, string> = {}): Promise<string> {
  return fleet.transaction((tx, changed) => fleet.registerCluster(tx, changed, { name, labels, agentVersion: '1' }));
}

async function generation(clusterId: string): Promise<number> {
  return Number((await fleet.desiredStateFor(clusterId)).generation);
}

function changes(clusterId: string): string[] {
  const seen: string[] = [];
  fleet.notifier.subscribe(clusterId, (change) => seen.push(change));
  return seen;
}

function synced(app: string, observedGeneration: number, commit: string): AppStatusView {
  return { app, observedGeneration, observedCommit: commit, sync: 'Synced', syncError: '', syncRetryable: false, health: 'Healthy', healthMessage: '', resources: [], observedAt: undefined };
}

const shop = { name: 'shop', repoUrl: 'https://git.example/shop.git', path: 'deploy', clusterSelector: 'env=prod' };

describe('desired state', () => {
  it('grows the generation on every change and never on a no-op; editing an application moves no cluster', async () => {
    const id = await cluster('prod', { env: 'prod' });
    const seen = changes(id);
    expect(await generation(id)).toBe(1);
    await fleet.putApplication(shop);
    expect(await generation(id)).toBe(1); // not promoted yet: nothing to run
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    expect(await generation(id)).toBe(2);
    await fleet.putApplication(shop);
    expect(await generation(id)).toBe(2);
    // A new path is a new revision: the cluster keeps rendering the one it was promoted with until a promotion moves it.
    await fleet.putApplication({ ...shop, path: 'deploy/v2' });
    expect(await generation(id)).toBe(2);
    expect((await fleet.desiredStateFor(id)).apps.map((a) => a.path)).toEqual(['deploy']);
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    expect(await generation(id)).toBe(3);
    expect((await fleet.desiredStateFor(id)).apps.map((a) => a.path)).toEqual(['deploy/v2']);
    // Switching the render engine changes what the agent does, so it is a change of desired state too (once promoted).
    await fleet.putApplication({ ...shop, path: 'deploy/v2', renderEngine: 'kustomize-binary' });
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    expect(await generation(id)).toBe(4);
    expect((await fleet.desiredStateFor(id)).apps.map((a) => a.renderEngine)).toEqual([RenderEngine.KUSTOMIZE_BINARY]);
    expect(seen).toEqual(['desired-state', 'desired-state', 'desired-state']);
  });

  it("gives a cluster that registers later its stage's last succeeded commit, never one still in flight", async () => {
    await fleet.putApplication(shop);
    const early = await cluster('early', { env: 'prod' });
    const none = await cluster('none-yet', { env: 'prod' });
    await fleet.revokeCluster('none-yet');
    expect((await fleet.desiredStateFor(none)).apps).toEqual([]);
    const a = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    fleet.statuses.touch(early, clock.now());
    fleet.statuses.record(early, synced('shop', 2, A), clock.now());
    await fleet.flush();
    expect((await rollout.getPromotion(a.id)).state).toBe('Succeeded');
    await rollout.createPromotion({ app: 'shop', commit: B, actor: 'ci' });
    const late = await cluster('late', { env: 'prod' });
    const other = await cluster('dev', { env: 'dev' });
    expect((await fleet.desiredStateFor(late)).apps.map((x) => [x.app, x.commit])).toEqual([['shop', A]]);
    expect((await fleet.desiredStateFor(other)).apps).toEqual([]);
  });

  it('drops an application from a cluster whose labels its narrowed selector no longer matches, or when deleted', async () => {
    await fleet.putApplication({ ...shop, clusterSelector: '' });
    const eu = await cluster('prod-eu', { env: 'prod', region: 'eu' });
    const us = await cluster('prod-us', { env: 'prod', region: 'us' });
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const usChanges = changes(us);
    await fleet.putApplication({ ...shop, clusterSelector: 'region=eu' });
    expect((await fleet.desiredStateFor(us)).apps).toEqual([]);
    expect((await fleet.desiredStateFor(eu)).apps.map((a) => a.commit)).toEqual([A]);
    expect(usChanges).toEqual(['desired-state']);
    await fleet.deleteApplication('shop');
    expect((await fleet.desiredStateFor(eu)).apps).toEqual([]);
  });

  it('notifies nobody when the transaction rolls back', async () => {
    await fleet.putApplication({ ...shop, clusterSelector: '' });
    const id = await cluster('prod');
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const seen = changes(id);
    await expect(
      fleet.transaction(async (tx, changed) => {
        await fleet.registerCluster(tx, changed, { name: 'doomed', labels: {}, agentVersion: '1' });
        changed.add(id);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([]);
    await expect(fleet.getCluster('doomed')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses an invalid application naming the field', async () => {
    await expect(fleet.putApplication({ ...shop, clusterSelector: 'env in ()' })).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: 'application.clusterSelector: "env in ()": the value list is empty',
    });
    await expect(fleet.putApplication({ ...shop, repoUrl: 'ftp://x' })).rejects.toMatchObject({ message: 'application.repoUrl: "ftp://x" is not an http(s) URL' });
    await expect(fleet.putApplication({ ...shop, name: 'Shop' })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(fleet.listClusters({ labelSelector: 'env in (' })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('status ingest', () => {
  it('coalesces statuses in memory and writes them in one batch, never going back in generation', async () => {
    await fleet.putApplication({ ...shop, clusterSelector: '' });
    const id = await cluster('prod');
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    fleet.statuses.record(id, synced('shop', 2, A), clock.now());
    fleet.statuses.record(id, synced('shop', 1, A), clock.now());
    expect((await fleet.getCluster('prod')).apps).toEqual([]); // nothing written before a flush
    expect((await fleet.flush()).statuses).toBe(1);
    expect((await fleet.getCluster('prod')).apps.map((a) => a.observedGeneration)).toEqual([2]);
    fleet.statuses.record(id, synced('shop', 1, A), clock.now());
    await fleet.flush();
    expect((await fleet.getCluster('prod')).apps.map((a) => a.observedGeneration)).toEqual([2]);
  });

  it('forgets the status of an application a cluster no longer runs', async () => {
    await fleet.putApplication({ ...shop, clusterSelector: '' });
    const id = await cluster('prod', { env: 'prod' });
    await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    fleet.statuses.record(id, synced('shop', 2, A), clock.now());
    await fleet.flush();
    expect((await fleet.getCluster('prod')).apps).toHaveLength(1);
    fleet.statuses.record(id, synced('shop', 2, A), clock.now()); // still in flight when the selector narrows
    await fleet.putApplication({ ...shop, clusterSelector: 'env=dev' });
    expect((await fleet.getCluster('prod')).apps).toEqual([]);
    await fleet.flush();
    expect((await fleet.getCluster('prod')).apps).toEqual([]);
  });

  it('flushes on its interval once started', async () => {
    const id = await cluster('prod');
    fleet.start();
    fleet.statuses.touch(id, new Date('2026-03-01T12:00:05Z'));
    expect(fleet.statuses.pending()).toBe(1);
    await clock.advanceAsync(1000);
    await fleet.flush();
    expect((await fleet.getCluster('prod')).lastSeen).toEqual(new Date('2026-03-01T12:00:05Z'));
    await fleet.stop();
  });
});

describe('sessions', () => {
  it('forgets connections a previous hub process left marked connected', async () => {
    const stale = await cluster('stale');
    const fresh = await cluster('fresh');
    await fleet.setConnected(stale, true, clock.now(), '1.0.0');
    const restarted = createFleet({ db: fixture.store, auth: createAuth({ db: fixture.store }), clock });
    restarted.start();
    await restarted.setConnected(fresh, true, clock.now(), '1.0.0');
    expect((await restarted.listClusters()).map((c) => [c.name, c.connected])).toEqual([
      ['fresh', true],
      ['stale', false],
    ]);
    await restarted.stop();
  });
});

describe('promotions', () => {
  it('validates the application and the stage', async () => {
    await expect(rollout.createPromotion({ app: 'nope', commit: A, actor: 'ci' })).rejects.toMatchObject({
      code: 'NotFound',
      message: 'application "nope" not found',
    });
    await fleet.putApplication(shop);
    await expect(rollout.createPromotion({ app: 'shop', commit: A, stage: 'prod', actor: 'ci' })).rejects.toMatchObject({
      code: 'InvalidArgument',
      message: 'stage: "prod" is not a stage of this application (default)',
    });
    expect((await rollout.listPromotions()).promotions).toEqual([]);
  });

  it('supersedes the earlier in-flight promotion of the application and stage with an event', async () => {
    await fleet.putApplication(shop);
    await cluster('prod', { env: 'prod' });
    const first = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'alice' });
    expect(first.state).toBe('Progressing');
    expect(first.events.map((e) => e.type)).toEqual(['Created', 'Started', 'StageStarted', 'WaveStarted']);
    const second = await rollout.createPromotion({ app: 'shop', commit: B, actor: 'bob' });
    const old = await rollout.getPromotion(first.id);
    expect(old.state).toBe('Superseded');
    expect(old.events.at(-1)).toMatchObject({ type: 'Superseded', reason: `superseded by promotion ${second.id} of bbbbbbb into default` });
    // Every cluster stays accounted for.
    expect(old.targets.map((t) => [t.cluster, t.phase])).toEqual([['prod', 'Updating']]);
    expect((await rollout.listPromotions({ app: 'shop' })).promotions.map((p) => [p.commit, p.state])).toEqual([
      [B, 'Progressing'],
      [A, 'Superseded'],
    ]);
  });

  it('records each target with the generation that carries the commit and succeeds from flushed statuses', async () => {
    await fleet.putApplication(shop);
    const id = await cluster('prod', { env: 'prod' });
    const promotion = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    expect(promotion.targets).toEqual([expect.objectContaining({ clusterId: id, cluster: 'prod', stage: 'default', wave: 'remaining', phase: 'Updating', generation: 2, previousCommit: null })]);
    fleet.statuses.touch(id, clock.now());
    fleet.statuses.record(id, synced('shop', 2, A), clock.now());
    await fleet.flush();
    const done = await rollout.getPromotion(promotion.id);
    expect(done.state).toBe('Succeeded');
    expect(done.events.map((e) => e.type)).toEqual(['Created', 'Started', 'StageStarted', 'WaveStarted', 'WaveSucceeded', 'StageSucceeded', 'Succeeded']);
    expect((await fleet.getApplication('shop')).releases).toEqual({ default: A });
    // Promoting the same commit again is a no-op for the cluster and settles at once on what it already reported.
    const again = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    expect(again.targets[0]?.generation).toBe(2);
    expect(again.targets[0]?.previousCommit).toBe(A);
    expect(again.state).toBe('Succeeded');
  });

  it('drops a revoked cluster that was not failing, and decides on the rest', async () => {
    await fleet.putApplication(shop);
    const eu = await cluster('prod-eu', { env: 'prod' });
    await cluster('prod-us', { env: 'prod' });
    const promotion = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    fleet.statuses.touch(eu, clock.now());
    fleet.statuses.record(eu, synced('shop', 2, A), clock.now());
    await fleet.flush();
    expect((await rollout.getPromotion(promotion.id)).state).toBe('Progressing');
    await fleet.revokeCluster('prod-us');
    await rollout.settle();
    const done = await rollout.getPromotion(promotion.id);
    expect(done.targets.map((t) => [t.cluster, t.phase])).toEqual([['prod-eu', 'Done'], ['prod-us', 'Dropped']]);
    expect(done.events.map((e) => e.reason)).toContain('prod-us was revoked: no longer a target');
    expect(done.state).toBe('Succeeded');
  });

  it('keeps the failure of a cluster that reported Degraded and was then revoked', async () => {
    await fleet.putApplication(shop);
    const eu = await cluster('prod-eu', { env: 'prod' });
    const promotion = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    fleet.statuses.touch(eu, clock.now());
    fleet.statuses.record(eu, { ...synced('shop', 2, A), health: 'Degraded', healthMessage: 'Deployment web 0/3 available' }, clock.now());
    await fleet.revokeCluster('prod-eu');
    await fleet.flush();
    const done = await rollout.getPromotion(promotion.id);
    expect(done.state).toBe('Failed');
    expect(done.message).toContain('prod-eu');
    expect(done.message).toContain('Degraded: Deployment web 0/3 available');
  });

  it('succeeds at once when no cluster matches', async () => {
    await fleet.putApplication(shop);
    const promotion = await rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    expect(promotion.state).toBe('Succeeded');
    expect(promotion.stages.map((s) => [s.stage, s.message])).toEqual([['default', '0/0 clusters healthy at aaaaaaa']]);
  });
});
