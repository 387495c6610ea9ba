import { Agent, request } from 'node:https';
import { startCluster } from './src/index.ts';
const c = await startCluster({ controllers: false });
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: c.caPem });
function call(method: string, path: string, body?: string, ct?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${c.adminToken}` };
    if (body) { headers['content-type'] = ct!; headers['content-length'] = String(Buffer.byteLength(body)); }
    const req = request(new URL(path, c.server), { method, headers, agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject); req.end(body);
  });
}
const dep = (i: number) => JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${i % 50}`, namespace: 'default' }, spec: { replicas: i % 5, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
async function run(label: string, n: number, f: (i: number) => Promise<number>) {
  const t = performance.now(); let i = 0;
  await Promise.all(Array.from({ length: 16 }, async () => { while (i < n) await f(i++); }));
  console.log(label, Math.round(n / ((performance.now() - t) / 1000)), 'req/s');
}
await run('apply', 2000, (i) => call('PATCH', `/apis/apps/v1/namespaces/default/deployments/d${i % 50}?fieldManager=bench&force=true`, dep(i), 'application/apply-patch+yaml'));
await run('get', 4000, (i) => call('GET', `/apis/apps/v1/namespaces/default/deployments/d${i % 50}`));
await run('list', 2000, () => call('GET', `/apis/apps/v1/namespaces/default/deployments?labelSelector=x!=y`));
agent.destroy(); await c.close();
