// Which sync failures the agent calls transient (retryable): the hub waits for the deadline on those and fails a wave
// at once on the rest.
import { describe, expect, it } from 'vitest';
import { isTransientSyncError } from '../src/errors.js';

describe('isTransientSyncError', () => {
  it.each([
    'dry run of Deployment default/web failed: Kubernetes API 127.0.0.1:42197 unreachable: read ECONNRESET',
    'git fetch of https://git.example/shop.git failed: connect ECONNREFUSED 10.0.0.1:443',
    'apply of ConfigMap default/a failed: 503 Service Unavailable',
    'apply of Deployment shop/web failed: Operation cannot be fulfilled: the object has been modified',
    'fetch of abc1234 timed out after 120 s (limit maxFetchMs)',
    'Kubernetes API answered 429 Too Many Requests',
  ])('transient: %s', (message) => expect(isTransientSyncError(message)).toBe(true));

  it.each([
    'render failed: deploy/web.yaml:3: mapping key "kind" already defined',
    'git: commit aaaaaaa not found in http://git.example/shop.git',
    'namespace kube-system is not allowed on this cluster (FLOTILLA_ALLOWED_NAMESPACES)',
    'dry run of Deployment default/web failed: 422 Deployment.apps "web" is invalid: spec.replicas: must be >= 0',
    'commit abc1234 is not signed by a trusted key',
  ])('a fault in the commit: %s', (message) => expect(isTransientSyncError(message)).toBe(false));
});
