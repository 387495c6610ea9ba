import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../src/auth/index.js';
import { startTestHub } from './support/hub.js';
import type { TestHub } from './support/hub.js';

const COMMIT_A = 'a'.repeat(40);

describe('REST API', () => {
  let t: TestHub;
  let viewer: string;
  let promoter: string;

  beforeAll(async () => {
    t = await startTestHub();
    const made = async (role: string) =>
      ((await t.rest('POST', '/api/v1/tokens', { body: { name: `${role}-token`, role } })).body as { secret: string }).secret;
    viewer = await made('viewer');
    promoter = await made('promoter');
    await t.register('eu-1', { env: 'prod', region: 'eu' });
    await t.register('us-1', { env: 'prod', region: 'us' });
    await t.register('dev-1', { env: 'dev' });
  });
  afterAll(() => t.close());

  describe('rejects bad input with 400 naming the field', () => {
    const app = { repoUrl: 'https://git.example/web.git', path: 'deploy' };
    it.each([
      ['POST', '/api/v1/registration-tokens', { maxUses: '3' }, 'body.maxUses: expected integer'],
      ['POST', '/api/v1/registration-tokens', { maxUses: 1.5 }, 'body.maxUses: expected integer'],
      ['POST', '/api/v1/registration-tokens', { ttlSeconds: -5 }, 'body.ttlSeconds: '],
      ['POST', '/api/v1/registration-tokens', { maxUses: 1, scope: 'all' }, 'body.scope: unknown field'],
      ['POST', '/api/v1/tokens', { name: 'x', role: 'root' }, 'body.role: expected one of viewer, promoter, admin'],
      ['POST', '/api/v1/tokens', { role: 'viewer' }, 'body.name: expected string'],
      ['PUT', '/api/v1/applications/Web_App', app, 'params.name: "Web_App" is not a DNS-1123 label'],
      ['PUT', '/api/v1/applications/web', { ...app, repoUrl: 'ftp://git/x' }, 'body.repoUrl: "ftp://git/x" is not an http(s) URL'],
      ['PUT', '/api/v1/applications/web', { ...app, repoUrl: 'https://bot:s3cret@git.example/web.git' }, 'body.repoUrl: must not carry credentials: configure them on the agents'],
      ['PUT', '/api/v1/applications/web', { ...app, path: 'a/../../etc' }, 'body.path: "a/../../etc" must be a path inside the repository'],
      ['PUT', '/api/v1/applications/web', { ...app, clusterSelector: 'env in (prod' }, 'body.clusterSelector: '],
      ['PUT', '/api/v1/applications/web', { path: 'deploy' }, 'body.repoUrl: expected string'],
      ['PUT', '/api/v1/applications/web', { ...app, renderEngine: 'helm' }, 'body.renderEngine: expected one of builtin, kustomize-binary'],
      ['POST', '/api/v1/promotions', { app: 'web', commit: 'abc123' }, 'body.commit: expected a full commit id: 40 hexadecimal characters'],
      ['GET', '/api/v1/clusters?labelSelector=env%20in%20(', undefined, 'querystring.labelSelector: '],
      ['GET', '/api/v1/promotions?app=web&state=x', undefined, 'querystring.state: unknown field'],
    ])('%s %s %j -> %s', async (method, path, body, message) => {
      const reply = await t.rest(method, path, { body });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'InvalidArgument', message: expect.stringContaining(message) });
    });

    it('answers malformed JSON with 400 and the same error shape', async () => {
      const reply = await t.rest('POST', '/api/v1/registration-tokens', { rawBody: '{"maxUses": 1' });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'InvalidArgument', message: expect.stringMatching(/^body: /) });
    });
  });

  describe('authenticates every /api route', () => {
    it.each([
      ['no Authorization header', null, /missing API token/],
      ['a malformed token', 'hunter2', /malformed API token/],
      ['an unknown token', 'flt_api_0123456789abcdef_' + 'x'.repeat(43), /unknown API token 0123456789abcdef/],
    ])('answers 401 to %s', async (_case, token, message) => {
      const reply = await t.rest('GET', '/api/v1/clusters', { token });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: 'Unauthenticated', message: expect.stringMatching(message) });
    });

    it('answers 401 once an API token is revoked', async () => {
      const { body } = await t.rest('POST', '/api/v1/tokens', { body: { name: 'temp', role: 'admin' } });
      const { token, secret } = body as { token: { id: string }; secret: string };
      expect((await t.rest('GET', '/api/v1/clusters', { token: secret })).status).toBe(200);
      expect((await t.rest('DELETE', `/api/v1/tokens/${token.id}`)).body).toMatchObject({ token: { id: token.id, revoked: true } });
      expect((await t.rest('GET', '/api/v1/clusters', { token: secret })).body).toMatchObject({ message: `API token ${token.id} was revoked` });
    });

    it.each([
      ['viewer', 'POST', '/api/v1/registration-tokens', {}, 'creating a registration token needs role admin'],
      ['viewer', 'GET', '/api/v1/tokens', undefined, 'listing API tokens needs role admin'],
      ['viewer', 'POST', '/api/v1/promotions', { app: 'web', commit: COMMIT_A }, 'creating a promotion needs role promoter'],
      ['promoter', 'PUT', '/api/v1/applications/web', { repoUrl: 'https://g/x', path: 'p' }, 'needs role admin'],
      ['promoter', 'POST', '/api/v1/clusters/eu-1/revoke', undefined, 'revoking a cluster needs role admin'],
    ])('answers 403 when a %s token calls %s %s', async (role, method, path, body, message) => {
      const reply = await t.rest(method, path, { token: role === 'viewer' ? viewer : promoter, body });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'PermissionDenied', message: expect.stringContaining(message) });
    });
  });

  it.each([
    ['/api/v1/clusters/nowhere', 'cluster "nowhere" not found'],
    ['/api/v1/applications/nothing', 'application "nothing" not found'],
    ['/api/v1/promotions/nope', 'promotion nope not found'],
    ['/api/v1/nothing-here', 'no route GET /api/v1/nothing-here'],
  ])('answers 404 for GET %s', async (path, message) => {
    const reply = await t.rest('GET', path);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ code: 'NotFound', message });
  });

  it('creates, lists and revokes registration tokens, showing the secret only at creation', async () => {
    const created = await t.rest('POST', '/api/v1/registration-tokens', { body: { description: 'lab', ttlSeconds: 600, maxUses: 2 } });
    expect(created.status).toBe(201);
    const { token, secret } = created.body as { token: { id: string }; secret: string };
    expect(secret).toMatch(new RegExp(`^flt_reg_${token.id}_`));
    expect(token).toMatchObject({ description: 'lab', maxUses: 2, uses: 0, revoked: false });
    const listed = await t.rest('GET', '/api/v1/registration-tokens');
    expect(listed.text).not.toContain(secret);
    expect((listed.body as { tokens: { id: string }[] }).tokens.map((x) => x.id)).toContain(token.id);
    expect((await t.rest('DELETE', `/api/v1/registration-tokens/${token.id}`)).body).toMatchObject({ token: { revoked: true } });
    expect((await t.rest('DELETE', '/api/v1/registration-tokens/ffffffffffffffff')).status).toBe(404);
  });

  it.each([
    ['', ['dev-1', 'eu-1', 'us-1']],
    ['env=prod', ['eu-1', 'us-1']],
    ['env==prod,region!=us', ['eu-1']],
    ['region in (eu,us)', ['eu-1', 'us-1']],
    ['region notin (eu)', ['dev-1', 'us-1']],
    ['region', ['eu-1', 'us-1']],
    ['!region', ['dev-1']],
  ])('lists clusters matching the label selector "%s"', async (selector, names) => {
    const reply = await t.rest('GET', `/api/v1/clusters?labelSelector=${encodeURIComponent(selector)}`, { token: viewer });
    expect(reply.status).toBe(200);
    expect((reply.body as { clusters: { name: string }[] }).clusters.map((c) => c.name)).toEqual(names);
  });

  it('shows one cluster with its labels, connection, generation and app statuses', async () => {
    const reply = await t.rest('GET', '/api/v1/clusters/eu-1', { token: viewer });
    expect(reply.body).toMatchObject({
      cluster: { name: 'eu-1', labels: { env: 'prod', region: 'eu' }, connected: false, agentVersion: 'test', revoked: false, generation: expect.any(Number), apps: [] },
    });
  });

  it('revokes a cluster so its credential stops working', async () => {
    const credential = await t.register('doomed', { env: 'dev' });
    const reply = await t.rest('POST', '/api/v1/clusters/doomed/revoke');
    expect(reply.body).toMatchObject({ cluster: { name: 'doomed', revoked: true } });
    const auth = createAuth({ db: t.hub.store });
    await expect(auth.verifyClusterCredential(credential)).rejects.toThrow(/was revoked/);
  });

  it('creates or replaces applications and promotes a commit of one', async () => {
    const body = { repoUrl: 'https://git.example/web.git', path: 'deploy', clusterSelector: 'env=prod', defaultNamespace: 'web' };
    const put = await t.rest('PUT', '/api/v1/applications/web', { body });
    expect(put.body).toMatchObject({ application: { name: 'web', ...body } });
    const replaced = await t.rest('PUT', '/api/v1/applications/web', { body: { ...body, path: 'deploy/prod' } });
    expect(replaced.body).toMatchObject({ application: { path: 'deploy/prod' } });
    expect((await t.rest('GET', '/api/v1/applications', { token: viewer })).body).toMatchObject({ applications: [{ name: 'web', path: 'deploy/prod' }] });

    const created = await t.rest('POST', '/api/v1/promotions', { token: promoter, body: { app: 'web', commit: COMMIT_A.toUpperCase() } });
    expect(created.status).toBe(201);
    const promotion = (created.body as { promotion: { id: string; targets: { cluster: string }[] } }).promotion;
    expect(promotion).toMatchObject({ app: 'web', commit: COMMIT_A, createdBy: 'promoter-token' });
    expect(promotion.targets.map((x) => x.cluster).sort()).toEqual(['eu-1', 'us-1']);
    expect((await t.rest('GET', `/api/v1/promotions/${promotion.id}`, { token: viewer })).body).toMatchObject({ promotion: { id: promotion.id } });
    expect((await t.rest('GET', '/api/v1/promotions?app=web', { token: viewer })).body).toMatchObject({ promotions: [{ id: promotion.id }] });
    expect((await t.rest('POST', '/api/v1/promotions', { token: promoter, body: { app: 'ghost', commit: COMMIT_A } })).status).toBe(404);
  });

  it('stores the render engine an application opts into, returns it, and falls back to builtin when a PUT omits it', async () => {
    const body = { repoUrl: 'https://git.example/charts.git', path: 'helm', clusterSelector: 'env=dev' };
    const put = await t.rest('PUT', '/api/v1/applications/charts', { body: { ...body, renderEngine: 'kustomize-binary' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ application: { name: 'charts', renderEngine: 'kustomize-binary' } });
    expect((await t.rest('GET', '/api/v1/applications/charts', { token: viewer })).body).toMatchObject({ application: { renderEngine: 'kustomize-binary' } });
    const replaced = await t.rest('PUT', '/api/v1/applications/charts', { body });
    expect(replaced.body).toMatchObject({ application: { renderEngine: 'builtin' } });
  });

  it('publishes an OpenAPI 3 document listing every route', async () => {
    const reply = await t.rest('GET', '/openapi.json', { token: null });
    const doc = reply.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'POST /api/v1/registration-tokens', 'GET /api/v1/registration-tokens', 'DELETE /api/v1/registration-tokens/{id}',
        'POST /api/v1/tokens', 'GET /api/v1/tokens', 'DELETE /api/v1/tokens/{id}',
        'GET /api/v1/clusters', 'GET /api/v1/clusters/{name}', 'POST /api/v1/clusters/{name}/revoke',
        'PUT /api/v1/clusters/{name}/labels', 'DELETE /api/v1/clusters/{name}',
        'PUT /api/v1/applications/{name}', 'GET /api/v1/applications', 'GET /api/v1/applications/{name}', 'DELETE /api/v1/applications/{name}',
        'GET /api/v1/applications/{name}/history', 'POST /api/v1/applications/{name}/preview', 'POST /api/v1/applications/{name}/stages/{stage}/rollback',
        'POST /api/v1/promotions', 'GET /api/v1/promotions', 'GET /api/v1/promotions/{id}', 'GET /api/v1/events',
        ...['approve', 'reject', 'pause', 'resume', 'abort', 'rollback'].map((c) => `POST /api/v1/promotions/{id}/${c}`),
        'GET /api/v1/ca', 'GET /healthz', 'GET /readyz', 'GET /metrics',
      ].sort(),
    );
    expect(doc.paths['/api/v1/registration-tokens']?.['post']).toMatchObject({ requestBody: expect.anything(), security: [{ bearer: [] }] });
  });

  it('serves health, readiness and flotilla_* metrics without a token', async () => {
    expect((await t.rest('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
    expect((await t.rest('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready' });
    const metrics = await t.rest('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/flotilla_http_requests_total\{method="GET",route="\/api\/v1\/clusters",status="200"\} \d+/);
  });

  it('has no CA to serve when running without TLS', async () => {
    expect(await t.rest('GET', '/api/v1/ca', { token: null })).toMatchObject({ status: 404, body: { code: 'NotFound' } });
  });
});
