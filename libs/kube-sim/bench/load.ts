// A concurrent HTTPS load client run in a worker thread, so the measured server's event loop is not also the client's.

import { Worker } from 'node:worker_threads';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
  ca: string;
  concurrency: number;
  /** Stop after this many requests... */
  maxRequests: number;
  /** ...or after this long, whichever comes first. */
  maxMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  ms: number;
  rps: number;
  firstError?: string;
}

// Plain JavaScript, evaluated in the worker: keep-alive agent, `concurrency` loops issuing requests back to back.
const WORKER = `
const { parentPort, workerData: s } = require('node:worker_threads');
const https = require('node:https');
const agent = new https.Agent({ keepAlive: true, maxSockets: s.concurrency, ca: s.ca });
const u = new URL(s.url);
let started = 0, done = 0, errors = 0, firstError;
const t0 = performance.now();
function one() {
  return new Promise((resolve) => {
    const req = https.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: s.method, headers: s.headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => { if (res.statusCode >= 300) { errors++; firstError ??= 'HTTP ' + res.statusCode; } resolve(); });
    });
    req.on('error', (e) => { errors++; firstError ??= e.message; resolve(); });
    if (s.body) req.end(s.body); else req.end();
  });
}
async function loop() {
  while (started < s.maxRequests && performance.now() - t0 < s.maxMs) { started++; await one(); done++; }
}
Promise.all(Array.from({ length: s.concurrency }, loop)).then(() => {
  const ms = performance.now() - t0;
  agent.destroy();
  parentPort.postMessage({ requests: done, errors, ms, rps: done / (ms / 1000), firstError });
});
`;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: spec });
    w.once('message', (m: LoadResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}
