// Small HTTP helpers shared by every handler: body reading with a size limit, JSON answers, Status answers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../errors/index.js';
import { ApiError as ApiErrorClass, internal, isApiError } from '../errors/index.js';

/** Like the apiserver's 3 MiB request body limit. */
const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new ApiErrorClass(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e: ApiError = isApiError(err) ? err : internal(err instanceof Error ? err.message : String(err));
  sendJson(res, e.code, e.toStatus());
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** The 404 the apiserver gives for a path or resource it does not serve. */
export function notServed(): ApiError {
  return new ApiErrorClass(404, 'NotFound', 'the server could not find the requested resource', {});
}
