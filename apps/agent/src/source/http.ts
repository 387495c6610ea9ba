// isomorphic-git's HTTP client, bounded: every byte received is counted and the whole fetch has a deadline, so an
// endless pack, a drip feed or a zip-bomb object is cut off in the transport instead of filling the agent's memory.
import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { errorMessage } from '../errors.js';
import type { SourceLimits } from './limits.js';
import { SourceLimitError } from './limits.js';
import { PackScanner } from './pack-scan.js';

const maxRedirects = 5;

/** One fetch's budget: shared by every request of that fetch, aborted once for all of them. */
export class FetchMeter {
  received = 0;
  private readonly controller = new AbortController();
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly failed: Promise<never>;

  constructor(
    readonly limits: Pick<SourceLimits, 'maxFetchBytes' | 'maxFetchMs' | 'idleTimeoutMs' | 'maxObjects' | 'maxObjectBytes'>,
    private readonly what: string,
  ) {
    let reject!: (error: Error) => void;
    this.failed = new Promise<never>((_resolve, r) => (reject = r));
    this.failed.catch(() => undefined);
    this.controller.signal.addEventListener('abort', () => reject(this.failure ?? new Error('aborted')));
    this.timer = setTimeout(
      () => this.abort(new SourceLimitError('maxFetchMs', `git fetch ${what} did not finish within ${limits.maxFetchMs} ms`)),
      limits.maxFetchMs,
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error that stopped this fetch, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  abort(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.controller.abort(error);
  }

  count(bytes: number): void {
    this.received += bytes;
    if (this.received > this.limits.maxFetchBytes) {
      this.abort(new SourceLimitError('maxFetchBytes', `git fetch ${this.what} received more than ${this.limits.maxFetchBytes} bytes`));
    }
  }

  /** Settles with `task`, or rejects with the limit error as soon as the fetch is aborted (whatever `task` does then). */
  guard<T>(task: Promise<T>): Promise<T> {
    return Promise.race([task, this.failed]);
  }

  done(): void {
    clearTimeout(this.timer);
  }
}

async function collect(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (body === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

async function* meteredBody(res: http.IncomingMessage, meter: FetchMeter, scanner: PackScanner | undefined): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      meter.count(chunk.byteLength);
      if (meter.error) break;
      scanner?.push(chunk);
      if (meter.error) break;
      yield chunk;
    }
  } catch (error) {
    throw meter.error ?? error;
  } finally {
    res.destroy();
  }
  if (meter.error) throw meter.error;
}

function send(url: URL, request: GitHttpRequest, body: Buffer | undefined, meter: FetchMeter): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: request.method ?? 'GET', headers: request.headers ?? {}, signal: meter.signal }, resolve);
    req.setTimeout(meter.limits.idleTimeoutMs, () => req.destroy(new Error(`git server sent nothing for ${meter.limits.idleTimeoutMs} ms: timed out`)));
    req.on('error', (error) => reject(meter.error ?? error));
    req.end(body);
  });
}

/** An HttpClient for one fetch; redirects are followed (credentials dropped when the host changes). */
export function boundedHttp(meter: FetchMeter): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      if (meter.error) throw meter.error;
      const body = await collect(request.body);
      let url = new URL(request.url);
      let headers = { ...(request.headers ?? {}) };
      for (let hop = 0; ; hop++) {
        let res: http.IncomingMessage;
        try {
          res = await send(url, { ...request, headers }, body, meter);
        } catch (error) {
          throw meter.error ?? new Error(errorMessage(error));
        }
        const location = res.headers.location;
        if (res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && location !== undefined && hop < maxRedirects) {
          res.resume();
          const next = new URL(location, url);
          if (next.host !== url.host) {
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
          }
          url = next;
          continue;
        }
        const isPack = (res.headers['content-type'] ?? '').includes('x-git-upload-pack-result');
        return {
          url: url.toString(),
          method: request.method ?? 'GET',
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: flatten(res.headers),
          body: meteredBody(res, meter, isPack ? new PackScanner(meter.limits, (error) => meter.abort(error)) : undefined),
        };
      }
    },
  };
}
