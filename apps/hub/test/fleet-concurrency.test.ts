// Concurrent writers on PostgreSQL (several connections): generations are never handed out twice, never lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '@flotilla/testkit';
import { createAuth } from '../src/auth/index.js';
import { createFleet } from '../src/fleet/index.js';
import { createRollout } from '../src/rollout/index.js';
import { openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const pgUp = await postgresAvailable();

describe.runIf(pgUp)('desired state under concurrent promotions (postgres)', () => {
  let fixture: StoreFixture;
  beforeAll(async () => {
    fixture = await openTestStore('postgres');
  });
  afterAll(async () => {
    await fixture.cleanup();
  });

  it('gives every concurrent change of one cluster its own generation', async () => {
    const auth = createAuth({ db: fixture.store });
    const fleet = createFleet({ db: fixture.store, auth });
    const rollout = createRollout({ db: fixture.store, fleet });
    rollout.startDriving();
    const apps = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    for (const name of apps) await fleet.putApplication({ name, repoUrl: 'https://git.example/r.git', path: name });
    const id = await fleet.transaction((tx, changed) => fleet.registerCluster(tx, changed, { name: 'prod', labels: {}, agentVersion: '1' }));
    const promotions = await Promise.all(apps.map((app, i) => rollout.createPromotion({ app, commit: String(i).repeat(40), actor: 'ci' })));
    const generations = promotions.map((p) => p.targets[0]?.generation);
    expect(new Set(generations).size).toBe(apps.length);
    const snapshot = await fleet.desiredStateFor(id);
    expect(snapshot.generation).toBe(BigInt(1 + apps.length));
    await rollout.stopDriving();
    expect(snapshot.apps.map((a) => a.commit)).toEqual(apps.map((_, i) => String(i).repeat(40)));
  });
});
