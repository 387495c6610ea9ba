// The real `flotilla` bin, spawned as a CI job runs it, against a hub serving TLS from its own CA.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitA, spawnCli, startCliHub } from './support.js';
import type { CliHub } from './support.js';

let h: CliHub;
let caFile: string;

beforeAll(async () => {
  h = await startCliHub({ tls: 'self-signed' });
  caFile = join(h.dir, 'hub-ca.pem');
  writeFileSync(caFile, h.hub.caCertificate!);
});
afterAll(() => h.close());

describe('the flotilla bin against a TLS hub', () => {
  it('logs in with --ca, keeps the CA in the 0600 context file, and a CI job promotes with --wait by exit code', async () => {
    expect(h.hub.httpUrl).toMatch(/^https:/);
    const login = await spawnCli(['login', '--server', h.hub.httpUrl, '--token', h.admin, '--ca', caFile, '--context', 'ci'], h.env);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout + login.stderr).not.toContain(h.admin);
    expect(statSync(h.env.FLOTILLA_CONFIG).mode & 0o777).toBe(0o600);
    const config = parse(readFileSync(h.env.FLOTILLA_CONFIG, 'utf8')) as { 'current-context': string; contexts: { name: string; ca: string }[] };
    expect(config['current-context']).toBe('ci');
    expect(config.contexts[0]!.ca).toBe(h.hub.caCertificate);

    const app = join(h.dir, 'app.yaml');
    writeFileSync(app, 'name: web\nrepoUrl: https://git.example.com/web.git\npath: deploy\nclusterSelector: env=prod\n');
    writeFileSync(join(h.dir, 'gated.json'), JSON.stringify({ name: 'gated', repoUrl: 'https://git.example.com/g.git', path: 'deploy', stages: [{ name: 'prod', selector: 'env=prod', approval: true }] }));
    expect(await spawnCli(['apply', '-f', app], h.env)).toMatchObject({ code: 0, stdout: 'application/web created (revision 1)\n' });
    expect((await spawnCli(['apply', '-f', join(h.dir, 'gated.json')], h.env)).code).toBe(0);

    // No cluster is selected: the promotion succeeds at once. A gate nobody answers: the wait times out.
    const [ok, timedOut, usage] = await Promise.all([
      spawnCli(['promote', 'web', commitA, '--wait', '-o', 'json'], h.env),
      spawnCli(['promote', 'gated', commitA, '--wait', '--timeout', '100ms'], h.env),
      spawnCli(['promote', 'web'], h.env),
    ]);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { state: string }).state).toBe('Succeeded');
    expect(ok.stderr).toMatch(/^promotion\/\S+ created: web aaaaaaa into default\nSucceeded /);
    expect(timedOut.code).toBe(3);
    expect(timedOut.stderr).toMatch(/^flotilla: timed out after 100ms waiting for promotion \S+ \(WaitingApproval\)/);
    expect(usage.code).toBe(2);
  });

  it('takes the hub from FLOTILLA_SERVER, FLOTILLA_TOKEN and FLOTILLA_CA_FILE alone, and fails without the CA', async () => {
    const bare = { HOME: h.dir, FLOTILLA_CONFIG: join(h.dir, 'none.yaml'), FLOTILLA_SERVER: h.hub.httpUrl, FLOTILLA_TOKEN: h.admin };
    const [withCa, withoutCa] = await Promise.all([spawnCli(['get', 'applications', '-o', 'yaml'], { ...bare, FLOTILLA_CA_FILE: caFile }), spawnCli(['get', 'applications'], bare)]);
    expect(withCa.code).toBe(0);
    expect((parse(withCa.stdout) as { name: string }[]).map((a) => a.name).sort()).toEqual(['gated', 'web']);
    expect(withoutCa.code).toBe(1);
    expect(withoutCa.stderr).toMatch(new RegExp(`^flotilla: Unavailable: cannot reach ${h.hub.httpUrl.replace(/[.]/g, '\\.')}: [A-Z_]+`));
    expect(withoutCa.stderr).not.toContain(h.admin);
  });
});
