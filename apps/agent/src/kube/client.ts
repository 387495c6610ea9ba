// A small JSON client for the Kubernetes API: @kubernetes/client-node loads the kubeconfig (file, YAML or in-cluster
// service account) and supplies TLS and auth; requests carry raw JSON so no field is lost to a typed model.
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { AgentError } from '../errors.js';
import { toJsonText } from './json.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ApiResource {
  /** Plural resource name used in URLs. */
  name: string;
  namespaced: boolean;
}

/** Identifies one object; namespace is undefined for cluster-scoped objects. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string | undefined;
  name: string;
}

/** An API error with the HTTP status and the Status reason (NotFound, Conflict, Invalid, ...). */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeError && error.status === 404;
}

/** Loads a kubeconfig: YAML text, a file path, or (undefined) the in-cluster service account / default locations. */
export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfig === undefined) {
      if (process.env['KUBERNETES_SERVICE_HOST']) kc.loadFromCluster();
      else kc.loadFromDefault();
    } else if (kubeconfig.includes('\n')) {
      kc.loadFromString(kubeconfig);
    } else {
      kc.loadFromFile(kubeconfig);
    }
  } catch (error) {
    const where = kubeconfig === undefined ? 'in-cluster or default kubeconfig' : kubeconfig.includes('\n') ? 'kubeconfig text' : kubeconfig;
    throw new AgentError('InvalidArgument', `KUBECONFIG: cannot load ${where}: ${(error as Error).message}`);
  }
  if (!kc.getCurrentCluster()) throw new AgentError('InvalidArgument', 'KUBECONFIG: no current cluster in the kubeconfig');
  return kc;
}

export interface RequestOptions {
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

export class KubeClient {
  private readonly server: URL;
  private readonly discovery = new Map<string, Promise<Map<string, ApiResource>>>();
  /** One keep-alive connection pool: client-node would make a new agent (and TLS handshake) per request. */
  private pool: http.Agent | undefined;
  private watchPool: http.Agent | undefined;

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new AgentError('InvalidArgument', 'KUBECONFIG: no current cluster');
    this.server = new URL(cluster.server);
  }

  static from(kubeconfig: string | undefined): KubeClient {
    return new KubeClient(loadKubeConfig(kubeconfig));
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const requestOptions: https.RequestOptions = { method, headers: { accept: 'application/json' } };
    // Re-applied per request so a rotated service-account token is picked up; the TLS settings feed the pool once.
    await this.kc.applyToHTTPSOptions(requestOptions);
    requestOptions.agent = this.poolFor(url, requestOptions);
    const payload = options.body === undefined ? undefined : Buffer.from(toJsonText(options.body));
    if (payload) {
      requestOptions.headers = { ...requestOptions.headers, 'content-type': options.contentType ?? 'application/json', 'content-length': String(payload.length) };
    }
    const transport = url.protocol === 'https:' ? https : http;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      req.end(payload);
    }).catch((error: unknown) => {
      throw new KubeError(0, 'Unavailable', `Kubernetes API ${this.server.host} unreachable: ${(error as Error).message}`);
    });
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (_error) {
        body = text;
      }
    }
    if (status >= 200 && status < 300) return body;
    const reason = typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : `HTTP${status}`;
    const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : String(text).slice(0, 500);
    throw new KubeError(status, reason, message);
  }

  private poolFor(url: URL, tls: https.RequestOptions): http.Agent {
    if (!this.pool) {
      this.pool =
        url.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, maxSockets: 8, ca: tls.ca, cert: tls.cert, key: tls.key, pfx: tls.pfx, passphrase: tls.passphrase, servername: tls.servername, ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}) })
          : new http.Agent({ keepAlive: true, maxSockets: 8 });
    }
    return this.pool;
  }

  /** Closes pooled connections and every open watch. */
  close(): void {
    this.pool?.destroy();
    this.watchPool?.destroy();
  }

  /**
   * A streaming GET (a watch): calls `onLine` with each JSON line of the body. Resolves when the server ends the
   * stream; rejects with a KubeError on a non-2xx answer or a broken connection. `abort()` ends it quietly.
   */
  stream(path: string, query: Record<string, string>, onLine: (value: unknown) => void): { done: Promise<void>; abort(): void } {
    let request: http.ClientRequest | undefined;
    let aborted = false;
    const done = (async () => {
      const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const options: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
      await this.kc.applyToHTTPSOptions(options);
      // Watches hold their connection open: they get their own pool, so they never starve applies of sockets.
      options.agent = this.watchPoolFor(url, options);
      const transport = url.protocol === 'https:' ? https : http;
      await new Promise<void>((resolve, reject) => {
        if (aborted) return resolve();
        request = transport.request(url, options, (res) => {
          const status = res.statusCode ?? 0;
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            if (status < 200 || status >= 300) return;
            let newline: number;
            while ((newline = buffered.indexOf('\n')) >= 0) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              if (line === '') continue;
              try {
                onLine(JSON.parse(line));
              } catch (error) {
                request?.destroy(error as Error);
              }
            }
          });
          res.on('end', () => {
            if (status >= 200 && status < 300) return resolve();
            let reason = `HTTP${status}`;
            let message = buffered.slice(0, 500);
            try {
              const body = JSON.parse(buffered) as { reason?: unknown; message?: unknown };
              if (typeof body.reason === 'string') reason = body.reason;
              if (typeof body.message === 'string') message = body.message;
            } catch (_error) {
              // not a Status: keep the text
            }
            reject(new KubeError(status, reason, message));
          });
          res.on('error', (error) => (aborted ? resolve() : reject(error)));
          res.on('aborted', () => (aborted ? resolve() : reject(new Error('watch connection aborted'))));
        });
        request.on('error', (error) => (aborted ? resolve() : reject(new KubeError(0, 'Unavailable', `watch ${url.pathname}: ${error.message}`))));
        request.end();
      });
    })();
    return {
      done,
      abort: () => {
        aborted = true;
        request?.destroy();
      },
    };
  }

  private watchPoolFor(url: URL, tls: https.RequestOptions): http.Agent {
    this.watchPool ??=
      url.protocol === 'https:'
        ? new https.Agent({ keepAlive: false, ca: tls.ca, cert: tls.cert, key: tls.key, pfx: tls.pfx, passphrase: tls.passphrase, servername: tls.servername, ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}) })
        : new http.Agent({ keepAlive: false });
    return this.watchPool;
  }

  /** Discovery of one kind, cached per group/version; a miss refreshes the group/version once (a CRD may just have landed). */
  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const found = (await this.groupVersion(apiVersion, false)).get(kind);
    if (found) return found;
    return (await this.groupVersion(apiVersion, true)).get(kind);
  }

  private groupVersion(apiVersion: string, refresh: boolean): Promise<Map<string, ApiResource>> {
    let cached = this.discovery.get(apiVersion);
    if (!cached || refresh) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      cached = this.request('GET', path).then(
        (list) => {
          const kinds = new Map<string, ApiResource>();
          const resources = (list as { resources?: Array<{ name: string; kind: string; namespaced: boolean }> }).resources ?? [];
          for (const r of resources) if (!r.name.includes('/')) kinds.set(r.kind, { name: r.name, namespaced: r.namespaced });
          return kinds;
        },
        (error: unknown) => {
          this.discovery.delete(apiVersion);
          if (isNotFound(error)) return new Map<string, ApiResource>();
          throw error;
        },
      );
      this.discovery.set(apiVersion, cached);
    }
    return cached;
  }

  async path(ref: ObjectRef, withName = true): Promise<string> {
    const resource = await this.resource(ref.apiVersion, ref.kind);
    if (!resource) throw new KubeError(404, 'NotFound', `the cluster has no kind ${ref.kind} in ${ref.apiVersion}`);
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}` : '';
    return `${base}${ns}/${resource.name}${withName ? `/${encodeURIComponent(ref.name)}` : ''}`;
  }

  /** The live object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.request('GET', await this.path(ref))) as KubeObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Server-side apply (force, field manager `fieldManager`), optionally as a dry run. */
  async apply(object: KubeObject, fieldManager: string, dryRun = false): Promise<KubeObject> {
    const query: Record<string, string> = { fieldManager, force: 'true' };
    if (dryRun) query['dryRun'] = 'All';
    return (await this.request('PATCH', await this.path({ apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name }), { query, body: object, contentType: 'application/apply-patch+yaml' })) as KubeObject;
  }

  async delete(ref: ObjectRef): Promise<void> {
    try {
      await this.request('DELETE', await this.path(ref), { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
