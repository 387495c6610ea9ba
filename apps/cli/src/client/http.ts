// A small REST and Server-Sent Events client of the hub over node:http(s), trusting the context's CA when it has one.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HubError } from '../errors.js';
import type { Target } from '../context/config.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HubEvent {
  id: string;
  event: string;
  data: unknown;
}

function urlOf(target: Target, path: string, query: Query = {}): URL {
  const url = new URL(path, target.server.endsWith('/') ? target.server : `${target.server}/`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

function open(target: Target, method: string, url: URL, headers: Record<string, string>, body?: string, signal?: AbortSignal): Promise<IncomingMessage> {
  const all = { ...headers, authorization: `Bearer ${target.token}`, accept: headers['accept'] ?? 'application/json' };
  return new Promise((resolve, reject) => {
    const options = { method, headers: all, ...(signal ? { signal } : {}) };
    const onResponse = (res: IncomingMessage) => resolve(res);
    const req = url.protocol === 'https:' ? httpsRequest(url, { ...options, ...(target.ca ? { ca: target.ca } : {}) }, onResponse) : httpRequest(url, options, onResponse);
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') return reject(e);
      reject(new HubError('Unavailable', `cannot reach ${url.origin}: ${e.code ?? e.message}${e.code && e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}`, 0));
    });
    req.end(body);
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function errorOf(status: number, text: string, url: URL): HubError {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string' && typeof body.message === 'string') return new HubError(body.code, body.message, status);
  } catch {
    // not the hub's error shape: a proxy or another server answered
  }
  return new HubError(status === 401 ? 'Unauthenticated' : 'Unavailable', `${url.origin} answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, status);
}

/** One JSON call; resolves the parsed body (undefined for 204), rejects with a HubError carrying the hub's code. */
export async function call(target: Target, method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<unknown> {
  const url = urlOf(target, path, options.query);
  // Every POST carries a JSON body (`{}` when there is nothing to say): the hub validates bodies as objects.
  const body = options.body !== undefined || method === 'POST' || method === 'PUT' ? JSON.stringify(options.body ?? {}) : undefined;
  const res = await open(target, method, url, body !== undefined ? { 'content-type': 'application/json' } : {}, body);
  const text = await readAll(res);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw errorOf(status, text, url);
  if (status === 204 || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Follows an SSE stream, calling `onEvent` per event, until the server ends it or `signal` aborts. */
export async function follow(target: Target, path: string, query: Query, onEvent: (e: HubEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
  const url = urlOf(target, path, query);
  let res: IncomingMessage;
  try {
    res = await open(target, 'GET', url, { accept: 'text/event-stream' }, undefined, signal);
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  }
  const status = res.statusCode ?? 0;
  if (status !== 200) throw errorOf(status, await readAll(res), url);
  onOpen?.();
  res.setEncoding('utf8');
  let buffer = '';
  try {
    for await (const chunk of res) {
      buffer += chunk as string;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseEvent(block);
        if (event) onEvent(event);
      }
    }
  } catch (e) {
    if (!signal.aborted) throw new HubError('Unavailable', `event stream from ${url.origin} broke: ${(e as Error).message}`, 0);
  }
}

/** One SSE block (`id:`, `event:`, `data:` lines); comments (keep-alives) yield nothing. */
export function parseEvent(block: string): HubEvent | undefined {
  let id = '';
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text data
  }
  return { id, event, data: parsed };
}
