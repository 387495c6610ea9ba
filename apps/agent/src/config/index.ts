// The agent's configuration from flags and environment variables, validated once with errors naming the variable.
import { parseArgs } from 'node:util';
import { AgentError } from '../errors.js';
import type { RenderBudget } from '../render-worker/index.js';
import type { SourceLimits } from '../source/limits.js';

/** Which namespaces and kinds the agent may touch, whatever the hub asks. `'*'` allows everything. */
export interface Guard {
  namespaces: '*' | ReadonlySet<string>;
  /** Entries are `Kind` (any group) or `group/Kind` (core group: `/Kind`); `Kind.group` (as the Helm chart writes it) is read as `group/Kind`. */
  kinds: '*' | ReadonlySet<string>;
}

export interface GitCredential {
  /** `protocol://host[:port]` the credential is sent to, optionally with a path prefix. */
  url: string;
  username: string;
  password: string;
}

/** The external kustomize the cluster admin allows applications to opt into (helmCharts, KRM plugins). */
export interface KustomizeBinaryConfig {
  /** The command and its leading arguments, e.g. ["kustomize", "build"] or ["kubectl", "kustomize"]. */
  command: readonly string[];
  /** Pass --enable-helm, so kustomizations may inflate helmCharts. */
  enableHelm: boolean;
}

/** What fetching and rendering one application may cost; unset fields take the defaults. */
export interface SourceSettings {
  /** Where fetched repositories are kept across reconciles and restarts. */
  cacheDir?: string;
  limits: Partial<SourceLimits>;
  render: Partial<RenderBudget>;
  /** Remote sources (URL prefixes) the external kustomize may fetch: bases, helm chart repositories. */
  kustomizeAllowRemote: readonly string[];
  /** YAML naming trusted keys and the applications that must be signed by them (see source/signatures.ts). */
  signaturePolicyFile?: string;
}

export interface AgentConfig {
  hubAddress: string;
  clusterName: string;
  labels: Record<string, string>;
  bootstrapToken: string | undefined;
  hubCaFile: string | undefined;
  insecure: boolean;
  stateDir: string | undefined;
  stateNamespace: string | undefined;
  guard: Guard;
  healthPort: number | undefined;
  /** Interface of the probe server (default 0.0.0.0, so the kubelet reaches it on the pod IP). */
  healthHost: string;
  source: SourceSettings;
  kubeconfig: string | undefined;
  gitCredentialsFile: string | undefined;
  /** Undefined: applications asking for the kustomize-binary engine fail on this cluster. */
  kustomize: KustomizeBinaryConfig | undefined;
  logLevel: string;
}

/** Each setting: its flag and the environment variable that backs it. */
const settings = {
  'hub-address': 'FLOTILLA_HUB_ADDRESS',
  'cluster-name': 'FLOTILLA_CLUSTER_NAME',
  'cluster-labels': 'FLOTILLA_CLUSTER_LABELS',
  'bootstrap-token': 'FLOTILLA_BOOTSTRAP_TOKEN',
  'hub-ca-file': 'FLOTILLA_HUB_CA_FILE',
  insecure: 'FLOTILLA_INSECURE',
  'state-dir': 'FLOTILLA_STATE_DIR',
  'state-namespace': 'FLOTILLA_STATE_NAMESPACE',
  'allowed-namespaces': 'FLOTILLA_ALLOWED_NAMESPACES',
  'allowed-kinds': 'FLOTILLA_ALLOWED_KINDS',
  'health-port': 'FLOTILLA_HEALTH_PORT',
  'health-host': 'FLOTILLA_HEALTH_HOST',
  'git-cache-dir': 'FLOTILLA_GIT_CACHE_DIR',
  'git-max-fetch-bytes': 'FLOTILLA_GIT_MAX_FETCH_BYTES',
  'git-fetch-timeout-seconds': 'FLOTILLA_GIT_FETCH_TIMEOUT_SECONDS',
  'git-max-objects': 'FLOTILLA_GIT_MAX_OBJECTS',
  'git-max-object-bytes': 'FLOTILLA_GIT_MAX_OBJECT_BYTES',
  'render-max-file-bytes': 'FLOTILLA_RENDER_MAX_FILE_BYTES',
  'render-max-app-bytes': 'FLOTILLA_RENDER_MAX_APP_BYTES',
  'render-timeout-seconds': 'FLOTILLA_RENDER_TIMEOUT_SECONDS',
  'render-memory-mb': 'FLOTILLA_RENDER_MEMORY_MB',
  'kustomize-allow-remote': 'FLOTILLA_KUSTOMIZE_ALLOW_REMOTE',
  'commit-signatures-file': 'FLOTILLA_COMMIT_SIGNATURES_FILE',
  kubeconfig: 'KUBECONFIG',
  'git-credentials-file': 'FLOTILLA_GIT_CREDENTIALS_FILE',
  'kustomize-command': 'FLOTILLA_KUSTOMIZE_COMMAND',
  'kustomize-enable-helm': 'FLOTILLA_KUSTOMIZE_ENABLE_HELM',
  'log-level': 'FLOTILLA_LOG_LEVEL',
} as const;
type Setting = keyof typeof settings;

const descriptions: Readonly<Record<Setting, string>> = {
  'hub-address': 'the hub\'s gRPC address, host:port (required)',
  'cluster-name': 'this cluster\'s name on the hub, a DNS-1123 label (required)',
  'cluster-labels': 'labels the hub selects this cluster by: key=value,key=value',
  'bootstrap-token': 'registration token (first start, or after the hub refused the stored credential)',
  'hub-ca-file': 'PEM of the CA that signed the hub\'s certificate (default: the system roots)',
  insecure: 'plaintext gRPC to the hub (loopback demos and tests only)',
  'state-dir': 'keep the credential and desired state in this directory (out of cluster)',
  'state-namespace': 'keep them in a Secret and ConfigMap in this namespace (in cluster)',
  'allowed-namespaces': 'the only namespaces the agent touches, comma-separated (default: all)',
  'allowed-kinds': 'the only kinds it applies: Kind, group/Kind or Kind.group (default: all)',
  'health-port': 'serve /healthz and /readyz on this port',
  'health-host': 'interface of the probe port (default 0.0.0.0)',
  'git-cache-dir': 'git cache directory (default <state-dir>/git)',
  'git-max-fetch-bytes': 'bytes a fetch may receive before it is cut off',
  'git-fetch-timeout-seconds': 'time a fetch may take',
  'git-max-objects': 'objects a fetched pack may hold',
  'git-max-object-bytes': 'size of one git object',
  'render-max-file-bytes': 'size of one manifest file',
  'render-max-app-bytes': 'manifest bytes of one application',
  'render-timeout-seconds': 'time one render may take',
  'render-memory-mb': 'heap of the render worker',
  'kustomize-allow-remote': 'remote sources the external kustomize may fetch (prefixes, comma-separated)',
  'commit-signatures-file': 'trusted signing keys per application: only signed commits are applied',
  kubeconfig: 'kubeconfig file (default: the in-cluster service account, else ~/.kube/config)',
  'git-credentials-file': 'git-credential-store file for private repositories',
  'kustomize-command': 'external kustomize for applications that ask for it, e.g. "kustomize build"',
  'kustomize-enable-helm': 'pass --enable-helm to the external kustomize',
  'log-level': 'pino level (default info)',
};

/** `flotilla-agent --help`: every flag with the variable behind it. */
export function usage(): string {
  const rows = (Object.keys(settings) as Setting[]).map((s) => `  --${s.padEnd(24)}${settings[s].padEnd(32)}${descriptions[s]}`);
  return [
    'Usage: flotilla-agent [flags]        run the agent (every flag can be given as its environment variable)',
    '       flotilla-agent manifests --values values.yaml   print the install manifests, as the Helm chart renders them',
    '       flotilla-agent --help | --version',
    '',
    'Flags:                     Environment:',
    ...rows,
    '',
  ].join('\n');
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const labelKey = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function invalid(setting: Setting, message: string): AgentError {
  return new AgentError('InvalidArgument', `${settings[setting]} (--${setting}): ${message}`);
}

export function parseLabels(text: string, setting: Setting = 'cluster-labels'): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw invalid(setting, `"${pair}" is not key=value`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!labelKey.test(key)) throw invalid(setting, `"${key}" is not a valid label key`);
    if (!labelValue.test(value)) throw invalid(setting, `"${value}" is not a valid label value for ${key}`);
    if (key in labels) throw invalid(setting, `label ${key} is given twice`);
    labels[key] = value;
  }
  return labels;
}

export function parseHostPort(text: string, setting: Setting = 'hub-address'): string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw invalid(setting, `"${text}" is not host:port`);
  return text;
}

function parseList(text: string | undefined, setting: Setting, check: (item: string) => boolean, what: string): '*' | ReadonlySet<string> {
  if (text === undefined || text.trim() === '' || text.trim() === '*') return '*';
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) if (!check(item)) throw invalid(setting, `"${item}" is not ${what}`);
  return new Set(items);
}

function normalizeKinds(kinds: '*' | ReadonlySet<string>): '*' | ReadonlySet<string> {
  return kinds === '*' ? kinds : new Set([...kinds].map(normalizeKind));
}

function parseBoolean(text: string | undefined, setting: Setting): boolean {
  if (text === undefined || text === '') return false;
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw invalid(setting, `"${text}" is not true or false`);
}

function parsePort(text: string | undefined, setting: Setting): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(setting, `"${text}" is not a port number`);
  return port;
}

const sizeUnits: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1000, M: 1000 ** 2, G: 1000 ** 3 };

/** A positive integer, optionally with a Kubernetes quantity suffix (Ki, Mi, Gi, k, M, G); undefined when unset. */
function parseQuantity(text: string | undefined, setting: Setting, units = sizeUnits): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * units[match[2] ?? '']! : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) throw invalid(setting, `"${text}" is not a positive whole number${units === sizeUnits ? ' (optionally with Ki, Mi, Gi)' : ''}`);
  return value;
}

const countOnly: Record<string, number> = { '': 1 };

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parseHost(text: string | undefined): string {
  if (text === undefined) return '0.0.0.0';
  if (!/^([0-9.]+|\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9.-]+)$/.test(text)) throw invalid('health-host', `"${text}" is not a host name or IP address`);
  return text.replace(/^\[(.*)\]$/, '$1');
}

function parseRemoteAllowlist(text: string | undefined): string[] {
  const items = (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    if (!/^([a-z][a-z0-9+.-]*::)?([a-z][a-z0-9+.-]*:\/\/)[^\s]+$/i.test(item)) {
      throw invalid('kustomize-allow-remote', `"${item}" is not a URL prefix (https://host/path, oci://host/path, git::https://host/repo.git)`);
    }
  }
  return items;
}

function parseSourceSettings(get: (setting: Setting) => string | undefined): SourceSettings {
  const seconds = (setting: Setting) => {
    const value = parseQuantity(get(setting), setting, countOnly);
    return value === undefined ? undefined : value * 1000;
  };
  const cacheDir = get('git-cache-dir');
  const signaturePolicyFile = get('commit-signatures-file');
  return {
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(signaturePolicyFile !== undefined ? { signaturePolicyFile } : {}),
    limits: defined({
      maxFetchBytes: parseQuantity(get('git-max-fetch-bytes'), 'git-max-fetch-bytes'),
      maxFetchMs: seconds('git-fetch-timeout-seconds'),
      maxObjects: parseQuantity(get('git-max-objects'), 'git-max-objects', countOnly),
      maxObjectBytes: parseQuantity(get('git-max-object-bytes'), 'git-max-object-bytes'),
      maxFileBytes: parseQuantity(get('render-max-file-bytes'), 'render-max-file-bytes'),
      maxAppBytes: parseQuantity(get('render-max-app-bytes'), 'render-max-app-bytes'),
    }),
    render: defined({
      timeoutMs: seconds('render-timeout-seconds'),
      memoryMb: parseQuantity(get('render-memory-mb'), 'render-memory-mb', countOnly),
    }),
    kustomizeAllowRemote: parseRemoteAllowlist(get('kustomize-allow-remote')),
  };
}

const kindPattern = /^([a-z0-9.-]*\/)?[A-Z][A-Za-z0-9]*$/;
const dottedKindPattern = /^([A-Z][A-Za-z0-9]*)\.([a-z0-9][a-z0-9.-]*)$/;

/** `Certificate.cert-manager.io` (kubectl's kind.group order, used by the Helm chart) -> `cert-manager.io/Certificate`. */
function normalizeKind(entry: string): string {
  const dotted = dottedKindPattern.exec(entry);
  return dotted ? `${dotted[2]}/${dotted[1]}` : entry;
}

/** `kustomize build` or `kubectl kustomize`: split on whitespace and run without a shell, so nothing is interpolated. */
function parseKustomize(command: string | undefined, enableHelm: boolean): KustomizeBinaryConfig | undefined {
  if (command === undefined || command.trim() === '') {
    if (enableHelm) throw invalid('kustomize-enable-helm', 'needs FLOTILLA_KUSTOMIZE_COMMAND (--kustomize-command): helm runs only inside the external kustomize');
    return undefined;
  }
  return { command: command.trim().split(/\s+/), enableHelm };
}

/** Reads flags (which win) and environment variables into a validated configuration. Throws AgentError InvalidArgument. */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): AgentConfig {
  const options = Object.fromEntries(Object.keys(settings).map((flag) => [flag, { type: 'string' as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new AgentError('InvalidArgument', `command line: ${(error as Error).message}`);
  }
  const get = (setting: Setting): string | undefined => {
    const flag = flags[setting];
    const value = typeof flag === 'string' ? flag : env[settings[setting]];
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (setting: Setting): string => {
    const value = get(setting);
    if (value === undefined) throw invalid(setting, 'is required');
    return value;
  };

  const clusterName = required('cluster-name');
  if (!dns1123Label.test(clusterName)) throw invalid('cluster-name', `"${clusterName}" is not a DNS-1123 label`);
  const insecure = parseBoolean(get('insecure'), 'insecure');
  const hubCaFile = get('hub-ca-file');
  const stateDir = get('state-dir');
  const stateNamespace = get('state-namespace');
  if (stateNamespace !== undefined && !dns1123Label.test(stateNamespace)) throw invalid('state-namespace', `"${stateNamespace}" is not a namespace name`);
  if (stateDir === undefined && stateNamespace === undefined) {
    throw invalid('state-dir', `one of FLOTILLA_STATE_DIR or FLOTILLA_STATE_NAMESPACE is required to keep the credential`);
  }
  return {
    hubAddress: parseHostPort(required('hub-address')),
    clusterName,
    labels: parseLabels(get('cluster-labels') ?? ''),
    bootstrapToken: get('bootstrap-token'),
    hubCaFile,
    insecure,
    stateDir,
    stateNamespace,
    guard: {
      namespaces: parseList(get('allowed-namespaces'), 'allowed-namespaces', (n) => dns1123Label.test(n), 'a namespace name'),
      kinds: normalizeKinds(parseList(get('allowed-kinds'), 'allowed-kinds', (k) => kindPattern.test(k) || dottedKindPattern.test(k), 'a Kind, group/Kind or Kind.group')),
    },
    healthPort: parsePort(get('health-port'), 'health-port'),
    healthHost: parseHost(get('health-host')),
    source: parseSourceSettings(get),
    kubeconfig: get('kubeconfig'),
    gitCredentialsFile: get('git-credentials-file'),
    kustomize: parseKustomize(get('kustomize-command'), parseBoolean(get('kustomize-enable-helm'), 'kustomize-enable-helm')),
    logLevel: get('log-level') ?? 'info',
  };
}

/**
 * Parses a git-credential-store file (`https://user:password@host[:port][/path]`, one per line), the format
 * `git credential-store` writes, so the same file works for git and for the agent.
 */
export function parseGitCredentials(text: string, source = 'git credentials'): GitCredential[] {
  const credentials: GitCredential[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let url: URL;
    try {
      url = new URL(line);
    } catch (_error) {
      throw new AgentError('InvalidArgument', `${source}:${index + 1}: not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AgentError('InvalidArgument', `${source}:${index + 1}: only http(s) URLs are supported`);
    if (url.username === '') throw new AgentError('InvalidArgument', `${source}:${index + 1}: no user name`);
    const path = url.pathname === '/' ? '' : url.pathname;
    credentials.push({ url: `${url.protocol}//${url.host}${path}`, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  });
  return credentials;
}

/** The credential for a repository URL: the longest matching prefix (scheme, host and port must match exactly). */
export function credentialFor(credentials: readonly GitCredential[], repoUrl: string): GitCredential | undefined {
  let best: GitCredential | undefined;
  for (const credential of credentials) {
    const prefix = credential.url;
    const matches = repoUrl === prefix || repoUrl.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
    if (matches && (best === undefined || prefix.length > best.url.length)) best = credential;
  }
  return best;
}
