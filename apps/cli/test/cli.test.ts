// The flotilla CLI against a real hub in-process: context file, apply, get, preview, promote --wait, gates, exit codes.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitA, commitB, startCliHub } from './support.js';
import type { CliHub } from './support.js';

const shopYaml = `
name: shop
repoUrl: https://git.example.com/shop.git
path: deploy/\${stage}
stages:
  - name: dev
    selector: env=dev
    waves: [{ name: all, bake: 2m }]
  - name: prod
    after: [dev]
    approval: true
    selector: env=prod
    waves:
      - { name: canary, selector: "region=eu", maxParallel: 1, bake: 10m }
      - { name: rest, selector: "region in (us,ap)", approval: true }
`;

const laterYaml = `---
name: later
repoUrl: https://git.example.com/later.git
path: deploy
stages: [{ name: qa, selector: env=qa }]
`;

let h: CliHub;
let cli: CliHub['cli'];

beforeAll(async () => {
  h = await startCliHub();
  cli = h.cli;
  await h.register('dev-1', { env: 'dev' });
  await h.register('prod-eu-1', { env: 'prod', region: 'eu' });
  await h.register('prod-eu-2', { env: 'prod', region: 'eu' });
  await h.register('prod-us-1', { env: 'prod', region: 'us' });
});
afterAll(() => h.close());

interface PromotionJson {
  id: string;
  state: string;
}

describe('login and the context file', () => {
  it('checks the token, writes the context file 0600 and never prints the token', async () => {
    const r = await cli(['login', '--server', h.hub.httpUrl, '--token', h.admin]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`context "default" saved in ${h.env.FLOTILLA_CONFIG}`);
    expect(r.stdout + r.stderr).not.toContain(h.admin);
    expect(statSync(h.env.FLOTILLA_CONFIG).mode & 0o777).toBe(0o600);
    const config = parse(readFileSync(h.env.FLOTILLA_CONFIG, 'utf8')) as { 'current-context': string; contexts: { name: string; server: string; token: string }[] };
    expect(config).toEqual({ 'current-context': 'default', contexts: [{ name: 'default', server: h.hub.httpUrl, token: h.admin }] });
    // Later commands need neither flags nor environment.
    expect((await cli(['get', 'clusters'])).stdout).toMatch(/^NAME\s+CONNECTED\s+LAST SEEN/);
  });

  it('refuses a bad token with the hub\'s error and leaves the context file as it was', async () => {
    const before = readFileSync(h.env.FLOTILLA_CONFIG, 'utf8');
    const r = await cli(['login', '--server', h.hub.httpUrl, '--token', 'flt_api_nope_nope', '--context', 'other']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^flotilla: Unauthenticated: /);
    expect(r.stderr).not.toContain('flt_api_nope_nope');
    expect(readFileSync(h.env.FLOTILLA_CONFIG, 'utf8')).toBe(before);
  });

  it('lets FLOTILLA_SERVER and FLOTILLA_TOKEN override the context, and names an unknown context', async () => {
    const dead = await cli(['get', 'applications'], { env: { FLOTILLA_SERVER: 'http://127.0.0.1:1' } });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/^flotilla: Unavailable: cannot reach http:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
    const badToken = await cli(['get', 'applications'], { env: { FLOTILLA_TOKEN: 'flt_api_x_y' } });
    expect(badToken.stderr).toMatch(/^flotilla: Unauthenticated: /);
    const unknown = await cli(['get', 'applications', '--context', 'nowhere']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no context "nowhere" in ${h.env.FLOTILLA_CONFIG}`);
  });
});

describe('apply and get', () => {
  it('applies a YAML application with stages and prints the hub\'s warnings', async () => {
    const file = join(h.dir, 'shop.yaml');
    writeFileSync(file, shopYaml + laterYaml);
    const r = await cli(['apply', '-f', file]);
    expect(r).toEqual({
      code: 0,
      stdout: 'application/shop created (revision 1)\napplication/later created (revision 1)\n',
      stderr: 'Warning: later: application.stages[0].selector: stage "qa" selects no cluster today\n',
    });
    writeFileSync(file, shopYaml);
    const again = await cli(['apply', '-f', file]);
    expect(again).toEqual({ code: 0, stdout: 'application/shop configured (revision 2)\n', stderr: '' });
    expect((await cli(['delete', 'application', 'later'])).stdout).toBe('application/later deleted\n');
  });

  it('shows the hub\'s message with the field path and exits 1 for a bad application', async () => {
    const file = join(h.dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nrepoUrl: https://git.example.com/x.git\npath: x\nstages:\n  - name: dev\n    waves: [{ name: a, maxParallel: 150% }]\n');
    const r = await cli(['apply', '-f', file]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'flotilla: InvalidArgument: application.stages[0].waves[0].maxParallel: 150% is over 100%\n' });
    writeFileSync(file, '{"name": "bad", "repoUrl": "ftp://x", "path": "x", "colour": "red"}');
    const json = await cli(['apply', '-f', file]);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('flotilla: InvalidArgument: body.repoUrl: "ftp://x" is not an http(s) URL; body.colour: unknown field\n');
    writeFileSync(file, 'repoUrl: https://git.example.com/x.git\npath: x\n');
    expect(await cli(['apply', '-f', file])).toMatchObject({ code: 2, stderr: expect.stringContaining(`${file}: name: required`) });
    expect((await cli(['apply', '-f', join(h.dir, 'missing.yaml')])).code).toBe(2);
  });

  it('prints kubectl-like tables, and exactly the hub\'s objects with -o json and -o yaml', async () => {
    const table = await cli(['get', 'apps']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+REVISION\s+STAGES\s+RELEASES\s+REPO\s+PATH\s+AGE$/);
    expect(table.stdout).toMatch(/\nshop\s+2\s+dev,prod\s+<none>\s+https:\/\/git\.example\.com\/shop\.git\s+deploy\/\$\{stage\}\s+\d+s\n/);
    const json = JSON.parse((await cli(['get', 'applications', '-o', 'json'])).stdout) as { name: string; revision: number }[];
    expect(json.map((a) => [a.name, a.revision])).toEqual([['shop', 2]]);
    const yaml = parse((await cli(['get', 'application', 'shop', '-o', 'yaml'])).stdout) as { name: string; pipeline: { name: string }[] };
    expect(yaml.pipeline.map((s) => s.name)).toEqual(['dev', 'prod']);
    const clusters = JSON.parse((await cli(['get', 'clusters', '-l', 'region=eu', '-o', 'json'])).stdout) as { name: string }[];
    expect(clusters.map((c) => c.name).sort()).toEqual(['prod-eu-1', 'prod-eu-2']);
    const missing = await cli(['get', 'application', 'nope']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'flotilla: NotFound: application "nope" not found\n' });
  });
});

describe('preview', () => {
  it('prints the waves, their order in batches, the gates and the shortest time', async () => {
    const r = await cli(['preview', 'shop', commitA, '--stage', 'prod']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Preview: shop aaaaaaa into prod`);
    expect(lines[1]).toBe('Blocked by: dev (not succeeded with this commit; promoting needs --force)');
    expect(lines[3]).toMatch(/^STAGE\s+WAVE\s+GATE\s+MAX PARALLEL\s+BAKE\s+ORDER \(BATCHES\)/);
    expect(lines[4]).toMatch(/^prod\s+canary\s+stage approval\s+1\s+10m\s+prod-eu-1 -> prod-eu-2$/);
    expect(lines[5]).toMatch(/^\s+rest\s+approval\s+100%\s+1m\s+prod-us-1$/);
    expect(r.stdout).toMatch(/\nShortest time: 21m, plus 2 approvals\n$/);
    const json = JSON.parse((await cli(['preview', 'shop', commitA, '--stage', 'prod', '-o', 'json'])).stdout) as { blockedBy: string[]; stages: { waves: { batches: string[][] }[] }[] };
    expect(json.blockedBy).toEqual(['dev']);
    expect(json.stages[0]!.waves[0]!.batches).toEqual([['prod-eu-1'], ['prod-eu-2']]);
  });
});

describe('promote --wait and the promotion commands', () => {
  it('exits 0 at once when the promotion succeeds (no cluster selected)', async () => {
    const file = join(h.dir, 'empty.yaml');
    writeFileSync(file, 'name: empty\nrepoUrl: https://git.example.com/empty.git\npath: deploy\nclusterSelector: env=nowhere\n');
    expect((await cli(['apply', '-f', file])).code).toBe(0);
    const r = await cli(['promote', 'empty', commitA, '--wait']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^promotion\/\S+ created: empty aaaaaaa into default\nSucceeded {2}stage default \(1\/1\) {2}aaaaaaa succeeded in default\n$/);
    expect((await cli(['promote', 'empty', commitB, '--wait'])).code).toBe(0);
    const back = await cli(['rollback-stage', 'empty', 'default']);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/^promotion\/\S+ created: /);
    const history = await cli(['history', 'empty']);
    expect(history.stdout).toMatch(/^STAGE\s+COMMIT\s+KIND\s+REVISION\s+PROMOTION\s+AT\ndefault\s+aaaaaaa\s+release\s+1\s.*\n\s+bbbbbbb\s+release\s+1\s.*\n\s+aaaaaaa\s+release\s+1\s/);
  });

  it('exits 3 when --wait times out at an approval gate, and approve/reject refuse when nothing waits', async () => {
    const file = join(h.dir, 'gated.yaml');
    writeFileSync(file, 'name: gated\nrepoUrl: https://git.example.com/g.git\npath: deploy\nstages:\n  - { name: prod, selector: env=nowhere, approval: true }\n');
    expect((await cli(['apply', '-f', file])).code).toBe(0);
    const timedOut = await cli(['promote', 'gated', commitA, '--wait', '--timeout', '200ms']);
    expect(timedOut.code).toBe(3);
    expect(timedOut.stdout).toMatch(/\nWaitingApproval {2}stage prod \(1\/1\)/);
    expect(timedOut.stderr).toMatch(/^flotilla: timed out after 200ms waiting for promotion \S+ \(WaitingApproval\); it goes on running/);
    const [p] = JSON.parse((await cli(['get', 'promotions', '--app', 'gated', '-o', 'json'])).stdout) as PromotionJson[];

    const describe = await cli(['describe', 'promotion', p!.id]);
    expect(describe.stdout).toContain(`Promotion:   ${p!.id}\n`);
    expect(describe.stdout).toMatch(/\nStages:\n {2}STAGE\s+STATE\s+WAVE\s+WAVE STATE\s+HEALTHY\s+GATE\n {2}prod\s+WaitingApproval\s+-\s+-\s+0\/0\n/);
    expect(describe.stdout).toMatch(/\nEvents:\n {2}SEQ\s+AT\s+TYPE\s+WHERE\s+REASON\n {2}\d+\s+\S+\s+Created\s+prod\s+requested by admin/);

    // The hub takes these commands and its planner refuses them: the CLI says so and fails.
    const resume = await cli(['resume', p!.id]);
    expect(resume).toEqual({ code: 1, stdout: '', stderr: 'flotilla: CommandRefused: resume by admin refused: the promotion is not paused\n' });
    const wrongGate = await cli(['approve', p!.id, '--stage', 'dev']);
    expect(wrongGate.code).toBe(1);
    expect(wrongGate.stderr).toBe('flotilla: CommandRefused: approve by admin refused: no approval gate is waiting at stage dev\n');

    expect((await cli(['pause', p!.id, '--reason', 'lunch'])).stdout).toMatch(new RegExp(`^promotion/${p!.id} pause: `));
    expect((await cli(['describe', 'promotion', p!.id])).stdout).toMatch(/\n {2}\d+\s+\S+\s+Paused\s+-\s+paused by admin: lunch\n/);
    expect((await cli(['resume', p!.id])).code).toBe(0);

    const approve = await cli(['approve', p!.id, '--reason', 'looks good']);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(new RegExp(`^promotion/${p!.id} approve: Succeeded: `));
    const again = await cli(['approve', p!.id]);
    expect(again).toEqual({ code: 1, stdout: '', stderr: `flotilla: FailedPrecondition: promotion ${p!.id} is Succeeded: approve needs a promotion in flight\n` });
    const reject = await cli(['reject', p!.id]);
    expect(reject.stderr).toMatch(/^flotilla: FailedPrecondition: .*reject needs a promotion in flight\n$/);
  });

  it('follows a promotion live and exits 1 when it is rejected at its gate', async () => {
    let waiting!: () => void;
    const atGate = new Promise<void>((resolve) => (waiting = resolve));
    const follower = cli(['promote', 'gated', commitB, '--wait'], { onOut: (s) => s.startsWith('WaitingApproval') && waiting() });
    await atGate;
    const [p] = JSON.parse((await cli(['get', 'promotions', '--app', 'gated', '--limit', '1', '-o', 'json'])).stdout) as PromotionJson[];
    expect((await cli(['reject', p!.id, '--reason', 'not today'])).code).toBe(0);
    const r = await follower;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`flotilla: promotion ${p!.id} ended Failed: rejected at stage prod by admin: not today\n`);
  });

  it('streams events, one line each, until interrupted', async () => {
    const [p] = JSON.parse((await cli(['get', 'promotions', '--app', 'empty', '-o', 'json'])).stdout) as PromotionJson[];
    const stop = new AbortController();
    const r = await cli(['events', '--promotion', p!.id], { signal: stop.signal, onOut: (s) => s.includes(' Succeeded ') && stop.abort() });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\S+Z {2}empty {2}${p!.id.slice(0, 8)} {2}Created {2}default {2}requested by admin`));
    expect(lines.at(-1)).toMatch(/ Succeeded {2}- {2}aaaaaaa succeeded in default$/);
  });
});

describe('clusters and tokens', () => {
  it('labels a cluster (set and remove, others kept), revokes and deletes one', async () => {
    const r = await cli(['label', 'cluster', 'prod-us-1', 'tier=gold', 'region-']);
    expect(r).toEqual({ code: 0, stdout: 'cluster/prod-us-1 labeled: env=prod,tier=gold\n', stderr: '' });
    expect((await cli(['label', 'cluster', 'prod-us-1', 'oops'])).code).toBe(2);
    expect((await cli(['revoke', 'cluster', 'dev-1'])).stdout).toBe('cluster/dev-1 revoked\n');
    expect((await cli(['delete', 'cluster', 'prod-us-1'])).stdout).toBe('cluster/prod-us-1 deleted\n');
    const left = JSON.parse((await cli(['get', 'clusters', '-o', 'json'])).stdout) as { name: string }[];
    expect(left.map((c) => c.name).sort()).toEqual(['prod-eu-1', 'prod-eu-2']);
    expect((await cli(['delete', 'application', 'empty'])).stdout).toBe('application/empty deleted\n');
  });

  it('creates a registration token and shows its secret once', async () => {
    const r = await cli(['token', 'create-registration', '--max-uses', '2', '--ttl', '600']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+DESCRIPTION\s+USES\s+EXPIRES\s+REVOKED\n\S+\s+<none>\s+0\/2\s/);
    expect(r.stdout).toMatch(/\nsecret \(shown once\): flt_reg_\S+\n$/);
    expect((await cli(['token', 'create-registration', '--max-uses', 'two'])).code).toBe(2);
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['promote', 'shop'], 'promote needs a COMMIT or --ref REF'],
    [['promote', 'shop', commitA, '--ref', 'main'], 'promote needs a COMMIT or --ref REF'],
    [['promote', 'shop', commitA, '--wait', '--timeout', 'soon'], '--timeout: "soon" is not a duration'],
    [['get', 'widgets'], 'unknown command "get widgets"'],
    [['get', 'applications', '-o', 'xml'], '-o xml: expected json or yaml'],
    [['describe', 'promotion'], 'describe promotion: missing ID'],
    [['approve', 'x', '--bogus'], "approve: Unknown option '--bogus'"],
  ])('flotilla %j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
