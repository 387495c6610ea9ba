// `flotilla-agent health -f`: one JSON line per object, from the same rules the agent reports with.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { healthCommand } from '../src/health/command.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'health');
const repoRoot = join(import.meta.dirname, '..', '..', '..');

async function run(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await healthCommand(args, {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.map((l) => JSON.parse(l) as Record<string, string>), err };
}

describe('flotilla-agent health', () => {
  it('prints kind, name, status and message for every object, judging a workload with the pods in the file', async () => {
    const { code, out } = await run(['-f', 'a.yaml'], {
      'a.yaml': [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }',
        'apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: Service, metadata: { name: lb }, spec: { type: LoadBalancer } }',
      ].join('\n---\n'),
    });
    expect(code).toBe(0);
    expect(out).toEqual([
      { kind: 'ConfigMap', name: 'settings', status: 'Healthy', message: 'exists' },
      { kind: 'Service', name: 'lb', status: 'Progressing', message: 'Waiting for the load balancer to be provisioned' },
    ]);
  });

  it('names the file and document it cannot read, and exits 1 after printing the rest', async () => {
    const { code, out, err } = await run(['-f', 'ok.yaml', '-f', 'bad.yaml', '-f', 'gone.yaml'], { 'ok.yaml': 'kind: Namespace\nmetadata: { name: a }', 'bad.yaml': 'kind: Pod\n---\n- 1\n- 2' });
    expect(code).toBe(1);
    expect(out.map((o) => o['kind'])).toEqual(['Namespace', 'Pod']);
    expect(err).toEqual(['bad.yaml: document 2: not a Kubernetes object (no kind)', 'gone.yaml: cannot read: ENOENT: no such file']);
  });

  it('judges with the rules given by --rule, as the agent would for an application that has them', async () => {
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nstatus: { ready: false }';
    const { code, out } = await run(['-f', 'w.yaml', '--rule', "example.com/Widget=object.status.ready ? 'Healthy' : {'status': 'Progressing', 'message': 'widget not ready'}"], { 'w.yaml': widget });
    expect(code).toBe(0);
    expect(out).toEqual([{ kind: 'Widget', name: 'w', status: 'Progressing', message: 'widget not ready' }]);
    expect((await run(['-f', 'w.yaml', '--rule', 'Widget'], { 'w.yaml': widget })).code).toBe(2);
  });

  it('refuses a call without a file', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['-f'])).err[0]).toContain('-f needs a file name');
  });

  it('runs as `npx flotilla-agent health -f` from the repository root', async () => {
    const { stdout } = await promisify(execFile)('npx', ['flotilla-agent', 'health', '-f', join(fixtures, 'workloads', 'deployment-degraded-crashloop.yaml')], { cwd: repoRoot });
    const first = JSON.parse(stdout.split('\n')[0]!) as Record<string, string>;
    expect(first).toEqual({ kind: 'Deployment', name: 'web', status: 'Degraded', message: 'pod web-new-fghij: container web: CrashLoopBackOff: back-off 40s restarting failed container=web' });
  }, 30_000);
});
