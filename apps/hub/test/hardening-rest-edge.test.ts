// The REST edge: text the store cannot hold is a 400 naming the field, a number past the store's range is a 400 (not
// a 500), and an error answer stays small however many problems the body has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ERROR_BYTES } from '../src/edge/index.js';
import { startTestHub } from './support/hub.js';
import type { TestHub } from './support/hub.js';

describe('REST edge', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('answers 400 naming the field for a NUL byte or an unpaired surrogate in a value or a key', async () => {
    const nul = await hub.rest('POST', '/api/v1/registration-tokens', { rawBody: '{"description":"a\\u0000b"}' });
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({ code: 'InvalidArgument', message: 'body.description: holds a NUL byte at character 1' });
    const surrogate = await hub.rest('POST', '/api/v1/registration-tokens', { rawBody: '{"description":"half \\ud800"}' });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body).toMatchObject({ message: 'body.description: holds an unpaired UTF-16 surrogate at character 5 (not valid Unicode)' });
    const key = await hub.rest('PUT', '/api/v1/applications/shop', { rawBody: '{"repoUrl":"http://git.example/shop.git","path":"deploy","x\\u0000":1}' });
    expect(key.status).toBe(400);
    expect(key.body).toMatchObject({ message: 'body: a key holds a NUL byte at character 1' });
  });

  it('answers 400, not 500, for a number past what the store holds', async () => {
    const reply = await hub.rest('POST', '/api/v1/registration-tokens', { body: { description: 'big', maxUses: 2 ** 40 } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 'InvalidArgument' });
    expect(reply.text).not.toContain(String(2 ** 40));
  });

  it('keeps the error answer to a body with 60k unknown keys under its bound', async () => {
    const body: Record<string, number> = { repoUrl: 'http://git.example/shop.git' as never, path: 'deploy' as never };
    for (let i = 0; i < 60_000; i++) body[`k${i}`] = i;
    const reply = await hub.rest('PUT', '/api/v1/applications/shop', { body });
    expect(reply.status).toBe(400);
    expect(Buffer.byteLength(reply.text)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(reply.body).toMatchObject({ code: 'InvalidArgument', details: { truncated: true } });
  });
});
