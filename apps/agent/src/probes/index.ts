// Liveness and readiness endpoints for the kubelet: /healthz (the process works) and /readyz (it can reconcile).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Probes {
  url: string;
  close(): Promise<void>;
}

export async function startProbes(port: number, checks: { live(): boolean; ready(): boolean }, host = '0.0.0.0'): Promise<Probes> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const ok = path === '/healthz' ? checks.live() : path === '/readyz' ? checks.ready() : undefined;
    if (ok === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
