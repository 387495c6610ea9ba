// The agent speaks TLS to the hub, trusting only the CA it is given (FLOTILLA_HUB_CA_FILE).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { tempDir } from '@flotilla/testkit';
import type { TempDir } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import { FakeHub } from './support/fake-hub.js';

const run = promisify(execFile);

async function selfSigned(dir: string, name: string): Promise<{ cert: string; key: string }> {
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', `${dir}/${name}.key`, '-out', `${dir}/${name}.pem`]);
  return { cert: await readFile(`${dir}/${name}.pem`, 'utf8'), key: await readFile(`${dir}/${name}.key`, 'utf8') };
}

describe('TLS to the hub', () => {
  let dir: TempDir;
  let cluster: SimulatedCluster;
  let hub: FakeHub;
  let hubCert: { cert: string; key: string };
  let otherCert: { cert: string; key: string };

  beforeAll(async () => {
    [dir, cluster] = await Promise.all([tempDir('flotilla-agent-tls-'), startCluster({ controllers: false })]);
    [hubCert, otherCert] = await Promise.all([selfSigned(dir.path, 'hub'), selfSigned(dir.path, 'other')]);
    hub = new FakeHub({ bootstrapToken: 'boot', tls: hubCert });
    await hub.start();
    hub.setApps([]);
  });
  afterAll(async () => {
    await hub?.stop();
    await Promise.all([cluster?.close(), dir?.cleanup()]);
  });

  const options = (stateDir: string, hubCa: string, logger = pino({ level: 'silent' })) => ({
    hubAddress: hub.address,
    clusterName: 'tls-1',
    bootstrapToken: 'boot',
    stateDir,
    kubeconfig: cluster.kubeconfig(),
    hubCa,
    logger,
    timings: { reconnect: { initialMs: 20, maxMs: 100, factor: 2, jitter: 0.5 } },
  });

  it('registers and connects over TLS with the hub CA', async () => {
    const agent = await startAgent(options(`${dir.path}/a`, hubCert.cert));
    try {
      await hub.until(() => hub.hellos.length > 0);
      expect(hub.registrations.map((r) => r.clusterName)).toEqual(['tls-1']);
    } finally {
      await agent.close();
    }
  });

  it('refuses a hub whose certificate the given CA did not sign', async () => {
    let sawFailure!: (line: string) => void;
    const failure = new Promise<string>((resolve) => (sawFailure = resolve));
    const logger = pino({ level: 'warn' }, { write: (line: string) => (line.includes('hub session failed') ? sawFailure(line) : undefined) });
    const registrations = hub.registrations.length;
    const agent = await startAgent(options(`${dir.path}/b`, otherCert.cert, logger));
    try {
      expect(await failure).toMatch(/certificate|handshake|UNAVAILABLE|No connection established/i);
      expect(hub.registrations.length).toBe(registrations);
      expect(agent.connected()).toBe(false);
    } finally {
      await agent.close();
    }
  });
});
