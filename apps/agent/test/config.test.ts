// Configuration from flags and environment: validated once, every error naming the variable.
import { describe, expect, it } from 'vitest';
import { credentialFor, loadConfig, parseGitCredentials } from '../src/config/index.js';

const base = { FLOTILLA_HUB_ADDRESS: 'hub.example.com:8443', FLOTILLA_CLUSTER_NAME: 'prod-eu-1', FLOTILLA_STATE_DIR: '/var/lib/flotilla' };

describe('loadConfig', () => {
  it('reads every setting from the environment', () => {
    const config = loadConfig([], {
      ...base,
      FLOTILLA_CLUSTER_LABELS: 'env=prod, region=eu-west-1',
      FLOTILLA_BOOTSTRAP_TOKEN: 'boot',
      FLOTILLA_HUB_CA_FILE: '/etc/flotilla/ca.pem',
      FLOTILLA_ALLOWED_NAMESPACES: 'shop,payments',
      FLOTILLA_ALLOWED_KINDS: 'Deployment,/ConfigMap,networking.k8s.io/Ingress',
      FLOTILLA_HEALTH_PORT: '8081',
      KUBECONFIG: '/home/me/.kube/config',
    });
    expect(config).toMatchObject({
      hubAddress: 'hub.example.com:8443',
      clusterName: 'prod-eu-1',
      labels: { env: 'prod', region: 'eu-west-1' },
      bootstrapToken: 'boot',
      hubCaFile: '/etc/flotilla/ca.pem',
      insecure: false,
      healthPort: 8081,
      kubeconfig: '/home/me/.kube/config',
    });
    expect([...(config.guard.namespaces as Set<string>)]).toEqual(['shop', 'payments']);
    expect([...(config.guard.kinds as Set<string>)]).toEqual(['Deployment', '/ConfigMap', 'networking.k8s.io/Ingress']);
  });

  it('reads the Helm chart\'s Kind.group entries as group/Kind', () => {
    const config = loadConfig([], { ...base, FLOTILLA_ALLOWED_KINDS: 'Namespace,Certificate.cert-manager.io,CustomResourceDefinition' });
    expect([...(config.guard.kinds as Set<string>)]).toEqual(['Namespace', 'cert-manager.io/Certificate', 'CustomResourceDefinition']);
  });

  it('lets flags override the environment', () => {
    const config = loadConfig(['--cluster-name', 'dev-1', '--insecure', 'true'], base);
    expect(config.clusterName).toBe('dev-1');
    expect(config.insecure).toBe(true);
  });

  it('allows the external kustomize engine only when the admin names its command', () => {
    expect(loadConfig([], base).kustomize).toBeUndefined();
    expect(loadConfig([], { ...base, FLOTILLA_KUSTOMIZE_COMMAND: ' kubectl  kustomize ' }).kustomize).toEqual({ command: ['kubectl', 'kustomize'], enableHelm: false });
    expect(loadConfig(['--kustomize-command', 'kustomize build'], { ...base, FLOTILLA_KUSTOMIZE_ENABLE_HELM: 'true' }).kustomize).toEqual({
      command: ['kustomize', 'build'],
      enableHelm: true,
    });
  });

  it('allows everything when no guard is configured', () => {
    expect(loadConfig([], base).guard).toEqual({ namespaces: '*', kinds: '*' });
  });

  it.each<[Record<string, string>, string]>([
    [{ FLOTILLA_HUB_ADDRESS: '' }, 'FLOTILLA_HUB_ADDRESS (--hub-address): is required'],
    [{ FLOTILLA_HUB_ADDRESS: 'hub.example.com' }, 'FLOTILLA_HUB_ADDRESS (--hub-address): "hub.example.com" is not host:port'],
    [{ FLOTILLA_CLUSTER_NAME: 'Prod_EU' }, 'FLOTILLA_CLUSTER_NAME (--cluster-name): "Prod_EU" is not a DNS-1123 label'],
    [{ FLOTILLA_CLUSTER_LABELS: 'env' }, 'FLOTILLA_CLUSTER_LABELS (--cluster-labels): "env" is not key=value'],
    [{ FLOTILLA_CLUSTER_LABELS: 'env=a b' }, 'FLOTILLA_CLUSTER_LABELS (--cluster-labels): "a b" is not a valid label value for env'],
    [{ FLOTILLA_INSECURE: 'maybe' }, 'FLOTILLA_INSECURE (--insecure): "maybe" is not true or false'],
    [{ FLOTILLA_HEALTH_PORT: '70000' }, 'FLOTILLA_HEALTH_PORT (--health-port): "70000" is not a port number'],
    [{ FLOTILLA_ALLOWED_KINDS: 'deployment' }, 'FLOTILLA_ALLOWED_KINDS (--allowed-kinds): "deployment" is not a Kind, group/Kind or Kind.group'],
    [{ FLOTILLA_ALLOWED_NAMESPACES: 'Shop' }, 'FLOTILLA_ALLOWED_NAMESPACES (--allowed-namespaces): "Shop" is not a namespace name'],
    [{ FLOTILLA_STATE_DIR: '' }, 'FLOTILLA_STATE_DIR (--state-dir): one of FLOTILLA_STATE_DIR or FLOTILLA_STATE_NAMESPACE is required'],
    [{ FLOTILLA_KUSTOMIZE_ENABLE_HELM: 'yes please' }, 'FLOTILLA_KUSTOMIZE_ENABLE_HELM (--kustomize-enable-helm): "yes please" is not true or false'],
    [{ FLOTILLA_KUSTOMIZE_ENABLE_HELM: 'true' }, 'FLOTILLA_KUSTOMIZE_ENABLE_HELM (--kustomize-enable-helm): needs FLOTILLA_KUSTOMIZE_COMMAND'],
  ])('rejects %j naming the variable', (override, message) => {
    expect(() => loadConfig([], { ...base, ...override })).toThrow(message);
  });

  it('never puts the bootstrap token into an error message', () => {
    expect(() => loadConfig(['--bootstrap-token', 'sekrit', '--bogus'], base)).toThrow(/command line/);
    try {
      loadConfig([], { ...base, FLOTILLA_BOOTSTRAP_TOKEN: 'sekrit', FLOTILLA_HUB_ADDRESS: 'x' });
    } catch (error) {
      expect((error as Error).message).not.toContain('sekrit');
    }
  });
});

describe('git credentials', () => {
  const credentials = parseGitCredentials('# comment\nhttps://robot:p%40ss@git.example.com\nhttp://ci:tok@127.0.0.1:8080/private\n');

  it('parses the git-credential-store format', () => {
    expect(credentials).toEqual([
      { url: 'https://git.example.com', username: 'robot', password: 'p@ss' },
      { url: 'http://127.0.0.1:8080/private', username: 'ci', password: 'tok' },
    ]);
  });

  it('matches by scheme, host, port and path prefix only', () => {
    expect(credentialFor(credentials, 'https://git.example.com/org/repo.git')?.username).toBe('robot');
    expect(credentialFor(credentials, 'https://git.example.com.evil.io/repo.git')).toBeUndefined();
    expect(credentialFor(credentials, 'http://git.example.com/org/repo.git')).toBeUndefined();
    expect(credentialFor(credentials, 'http://127.0.0.1:8080/private/repo.git')?.username).toBe('ci');
    expect(credentialFor(credentials, 'http://127.0.0.1:8080/public/repo.git')).toBeUndefined();
  });

  it('names the line of a malformed entry', () => {
    expect(() => parseGitCredentials('https://a:b@x\nnot a url\n', 'creds')).toThrow('creds:2: not a URL');
  });
});
