// Bridges one HTTP request to `git http-backend` (CGI) and its CGI response back to HTTP, streaming both bodies.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isolatedGitEnv } from './run-git.js';

export interface BackendContext {
  gitExecPath: string;
  projectRoot: string;
  home: string;
  remoteUser?: string;
  /** Every spawned backend is registered here so close() can stop the ones still running. */
  children: Set<ChildProcess>;
  /** PATH_INFO for the backend, relative to projectRoot (default: the request's path). */
  pathInfo?: string;
}

function cgiEnv(req: IncomingMessage, url: URL, ctx: BackendContext): Record<string, string> {
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: ctx.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: ctx.pathInfo ?? decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const copies: Array<[string, string]> = [
    ['content-type', 'CONTENT_TYPE'],
    ['content-length', 'CONTENT_LENGTH'],
    // http-backend inflates gzip request bodies itself when told the encoding.
    ['content-encoding', 'HTTP_CONTENT_ENCODING'],
    // Protocol v2 negotiation (the git CLI asks for it; isomorphic-git does not).
    ['git-protocol', 'HTTP_GIT_PROTOCOL'],
  ];
  for (const [from, to] of copies) {
    const v = header(from);
    if (v !== undefined) env[to] = v;
  }
  if (env['HTTP_GIT_PROTOCOL'] !== undefined) env['GIT_PROTOCOL'] = env['HTTP_GIT_PROTOCOL'];
  if (ctx.remoteUser !== undefined) env['REMOTE_USER'] = ctx.remoteUser;
  return isolatedGitEnv(ctx.home, env);
}

/** Index just past the blank line ending the CGI headers, and where that blank line starts; -1 while incomplete. */
function headerEnd(buf: Buffer): { start: number; end: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return undefined;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { start: crlf, end: crlf + 4 };
  return { start: lf, end: lf + 2 };
}

function writeCgiHeaders(res: ServerResponse, head: string): void {
  res.statusCode = 200;
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const match = /^(\d{3})\s*(.*)$/.exec(value);
      if (match) {
        res.statusCode = Number(match[1]);
        if (match[2]) res.statusMessage = match[2];
      }
    } else {
      res.appendHeader(name, value);
    }
  }
}

export function serveWithHttpBackend(req: IncomingMessage, res: ServerResponse, ctx: BackendContext): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const child = spawn(path.join(ctx.gitExecPath, 'git-http-backend'), [], {
    env: cgiEnv(req, url, ctx),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  ctx.children.add(child);
  const stderr: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  // A backend that exits early (bad request) closes stdin while the client is still sending.
  child.stdin.on('error', () => undefined);
  req.pipe(child.stdin);

  let pending: Buffer = Buffer.alloc(0);
  let headersSent = false;
  const onData = (chunk: Buffer): void => {
    pending = Buffer.concat([pending, chunk]);
    const end = headerEnd(pending);
    if (!end) return;
    headersSent = true;
    writeCgiHeaders(res, pending.subarray(0, end.start).toString('latin1'));
    child.stdout.off('data', onData);
    child.stdout.pause();
    res.write(pending.subarray(end.end));
    child.stdout.pipe(res);
  };
  child.stdout.on('data', onData);

  child.on('close', (code) => {
    ctx.children.delete(child);
    if (headersSent) return;
    const detail = Buffer.concat(stderr).toString('utf8').trim();
    res.statusCode = 502;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(`git http-backend exited with ${String(code)} without a response: ${detail}\n`);
  });
  child.on('error', (err) => {
    ctx.children.delete(child);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end(`cannot run git http-backend: ${err.message}\n`);
    }
  });
  res.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
}
