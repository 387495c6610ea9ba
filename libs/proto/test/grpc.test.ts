import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentService,
  ConnectResponseSchema,
  RegisterResponseSchema,
  addService,
  bearer,
  bearerOf,
  create,
  createClient,
} from '../src/index.js';
import type { ConnectRequest, ServiceClient } from '../src/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

describe('grpc bridge', () => {
  let server: grpc.Server;
  let client: ServiceClient<(typeof AgentService)['method']>;
  let address = '';

  beforeAll(async () => {
    server = new grpc.Server();
    addService(server, AgentService, {
      register(call, callback) {
        if (call.request.bootstrapToken !== 'good') {
          callback({ code: grpc.status.UNAUTHENTICATED, details: 'bootstrap token is unknown' });
          return;
        }
        callback(null, create(RegisterResponseSchema, { clusterId: `id-${call.request.clusterName}`, credential: 'c' }));
      },
      rotateCredential(call, callback) {
        callback(null, { $typeName: 'flotilla.agent.v1.RotateCredentialResponse', credential: bearerOf(call.metadata) ?? '' });
      },
      connect(call) {
        call.on('data', (message: ConnectRequest) => {
          if (message.message.case === 'hello') {
            call.write(create(ConnectResponseSchema, {
              message: { case: 'desiredState', value: { generation: message.message.value.lastAppliedGeneration + 1n, clusterId: 'x', apps: [] } },
            }));
          }
        });
        call.on('end', () => call.end());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    address = `127.0.0.1:${port}`;
    client = createClient(AgentService, address, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  it('round-trips a unary call over a real socket', async () => {
    const response = await client.register({ $typeName: 'flotilla.agent.v1.RegisterRequest', bootstrapToken: 'good', clusterName: 'prod-eu-1', labels: { env: 'prod' }, agentVersion: '1' });
    expect(response.clusterId).toBe('id-prod-eu-1');
  });

  it('surfaces the server status code and message as the rejection', async () => {
    await expect(
      client.register({ $typeName: 'flotilla.agent.v1.RegisterRequest', bootstrapToken: 'bad', clusterName: 'x', labels: {}, agentVersion: '' }),
    ).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: 'bootstrap token is unknown' });
  });

  it('carries the bearer credential in the authorization metadata', async () => {
    const response = await client.rotateCredential({ $typeName: 'flotilla.agent.v1.RotateCredentialRequest' }, { metadata: bearer('secret-1') });
    expect(response.credential).toBe('secret-1');
  });

  it('streams typed messages both ways on a bidi call', async () => {
    const call = client.connect();
    const first = new Promise((resolve) => call.once('data', resolve));
    call.write({ $typeName: 'flotilla.agent.v1.ConnectRequest', message: { case: 'hello', value: { $typeName: 'flotilla.agent.v1.Hello', agentVersion: '1', lastAppliedGeneration: 41n } } });
    const reply = (await first) as { message: { case: string; value: { generation: bigint } } };
    expect(reply.message.case).toBe('desiredState');
    expect(reply.message.value.generation).toBe(42n);
    call.end();
  });

  it('rejects bytes that are not the request message instead of crashing', async () => {
    const raw = new grpc.Client(address, grpc.credentials.createInsecure());
    const error = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.makeUnaryRequest('/flotilla.agent.v1.AgentService/Register', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0xff, 0xff, 0xff]), (e) => resolve(e)),
    );
    raw.close();
    expect(error?.code).toBe(grpc.status.INTERNAL);
    // the server still answers afterwards
    await expect(client.register({ $typeName: 'flotilla.agent.v1.RegisterRequest', bootstrapToken: 'good', clusterName: 'y', labels: {}, agentVersion: '' })).resolves.toMatchObject({ clusterId: 'id-y' });
  });

  it('parses only well-formed bearer credentials', () => {
    expect(bearerOf(bearer('abc'))).toBe('abc');
    const m = new grpc.Metadata();
    m.set('authorization', 'Basic abc');
    expect(bearerOf(m)).toBeUndefined();
    expect(bearerOf(new grpc.Metadata())).toBeUndefined();
  });
});

describe('generated code', () => {
  async function files(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
  }

  it('is what buf generates from the .proto files (regenerate with `npm run generate -w @flotilla/proto`)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'flotilla-proto-'));
    try {
      await run('npx', ['buf', 'generate', '--output', out], { cwd: root });
      const expected = await files(join(out, 'src/gen'));
      expect(await files(join(root, 'src/gen'))).toEqual(expected);
      for (const file of expected) {
        expect(await readFile(join(root, 'src/gen', file), 'utf8'), file).toBe(await readFile(join(out, 'src/gen', file), 'utf8'));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
