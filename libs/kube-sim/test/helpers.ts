// Shared test helpers: a cluster per test file, kubectl runner, temp dirs.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
export const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.log(`kubectl not found at ${KUBECTL}: the kubectl tests are skipped`);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(kubeconfig: string, args: string[], input?: string, binary = KUBECTL): Promise<Run> {
  return new Promise((resolve) => {
    // Discovery cache next to the kubeconfig: never shared with other runs on a reused port, removed with the temp dir.
    const cache = join(dirname(kubeconfig), '.kube-cache');
    const child = execFile(binary, ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...args], { timeout: 20_000, env: { ...process.env, KUBECTL_EXTERNAL_DIFF: '', HOME: process.env.HOME ?? '/tmp' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function tempDir(): Promise<{ dir: string; file: (name: string, text: string) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-sim-'));
  return {
    dir,
    file: async (name, text) => {
      const p = join(dir, name);
      await writeFile(p, text);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export const DEPLOYMENT = (replicas: number, image = 'nginx:1.25'): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
`;

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

/** One raw HTTPS request to a simulated cluster, verifying its certificate against the simulator's CA. */
export async function http(cluster: { server: string; caPem: string; adminToken: string }, method: string, path: string, opts: { body?: string; contentType?: string; token?: string | null; accept?: string } = {}): Promise<HttpResult> {
  const { request } = await import('node:https');
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? cluster.adminToken : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.contentType) headers['content-type'] = opts.contentType;
    if (opts.accept) headers.accept = opts.accept;
    // Node sends a DELETE body without framing unless told its length.
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request(url, { method, headers, ca: cluster.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
