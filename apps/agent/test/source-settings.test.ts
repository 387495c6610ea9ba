// The cluster admin's source settings: fetch and render limits, remote sources for the external kustomize, the git
// cache and the probe interface, read from the environment (as the Helm chart sets them) with errors naming the variable.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { startProbes } from '../src/probes/index.js';

const base = { FLOTILLA_HUB_ADDRESS: 'hub.example.com:8443', FLOTILLA_CLUSTER_NAME: 'prod-eu-1', FLOTILLA_STATE_NAMESPACE: 'flotilla-system' };

describe('source settings', () => {
  it('reads the limits as the Helm chart writes them (quantities with Ki/Mi/Gi, seconds)', () => {
    const config = loadConfig([], {
      ...base,
      FLOTILLA_GIT_MAX_FETCH_BYTES: '64Mi',
      FLOTILLA_GIT_FETCH_TIMEOUT_SECONDS: '30',
      FLOTILLA_GIT_MAX_OBJECTS: '5000',
      FLOTILLA_GIT_MAX_OBJECT_BYTES: '1Gi',
      FLOTILLA_RENDER_MAX_FILE_BYTES: '512Ki',
      FLOTILLA_RENDER_MAX_APP_BYTES: '16000000',
      FLOTILLA_RENDER_TIMEOUT_SECONDS: '20',
      FLOTILLA_RENDER_MEMORY_MB: '128',
      FLOTILLA_GIT_CACHE_DIR: '/var/cache/flotilla',
      FLOTILLA_KUSTOMIZE_ALLOW_REMOTE: 'https://charts.example.com/stable, oci://registry.example.com/charts,git::https://git.example.com/org/bases.git',
    });
    expect(config.source).toEqual({
      cacheDir: '/var/cache/flotilla',
      limits: { maxFetchBytes: 64 * 1024 ** 2, maxFetchMs: 30_000, maxObjects: 5000, maxObjectBytes: 1024 ** 3, maxFileBytes: 512 * 1024, maxAppBytes: 16_000_000 },
      render: { timeoutMs: 20_000, memoryMb: 128 },
      kustomizeAllowRemote: ['https://charts.example.com/stable', 'oci://registry.example.com/charts', 'git::https://git.example.com/org/bases.git'],
    });
  });

  it('leaves unset limits to the defaults and allows no remote source', () => {
    expect(loadConfig([], base).source).toEqual({ limits: {}, render: {}, kustomizeAllowRemote: [] });
  });

  it.each<[Record<string, string>, string]>([
    [{ FLOTILLA_GIT_MAX_FETCH_BYTES: '-5' }, 'FLOTILLA_GIT_MAX_FETCH_BYTES (--git-max-fetch-bytes): "-5" is not a positive whole number (optionally with Ki, Mi, Gi)'],
    [{ FLOTILLA_GIT_MAX_OBJECTS: '10Ki' }, 'FLOTILLA_GIT_MAX_OBJECTS (--git-max-objects): "10Ki" is not a positive whole number'],
    [{ FLOTILLA_RENDER_TIMEOUT_SECONDS: '0' }, 'FLOTILLA_RENDER_TIMEOUT_SECONDS (--render-timeout-seconds): "0" is not a positive whole number'],
    [{ FLOTILLA_KUSTOMIZE_ALLOW_REMOTE: 'charts.example.com' }, 'FLOTILLA_KUSTOMIZE_ALLOW_REMOTE (--kustomize-allow-remote): "charts.example.com" is not a URL prefix'],
    [{ FLOTILLA_HEALTH_HOST: 'not a host' }, 'FLOTILLA_HEALTH_HOST (--health-host): "not a host" is not a host name or IP address'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig([], { ...base, ...env })).toThrow(message);
  });
});

describe('probe interface', () => {
  it('binds all interfaces by default, for the kubelet, and the configured one when set', async () => {
    expect(loadConfig([], base).healthHost).toBe('0.0.0.0');
    expect(loadConfig(['--health-host', '127.0.0.1'], base).healthHost).toBe('127.0.0.1');
    expect(loadConfig([], { ...base, FLOTILLA_HEALTH_HOST: '[::1]' }).healthHost).toBe('::1');
    const probes = await startProbes(0, { live: () => true, ready: () => true }, loadConfig([], { ...base, FLOTILLA_HEALTH_HOST: '127.0.0.1' }).healthHost);
    try {
      expect(probes.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${probes.url}/healthz`)).status).toBe(200);
    } finally {
      await probes.close();
    }
  });
});
