// The hub's gRPC server bounds each connection: what it advertises and does is read off a raw HTTP/2 client.
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultGrpcServerLimits, grpcServerOptions } from '../src/config/index.js';
import { startTestHub } from './support/hub.js';
import type { TestHub } from './support/hub.js';

describe('gRPC server limits', () => {
  let hub: TestHub | undefined;
  let session: http2.ClientHttp2Session | undefined;
  afterEach(async () => {
    session?.destroy();
    await hub?.close();
    hub = session = undefined;
  });

  function dial(address: string): http2.ClientHttp2Session {
    session = http2.connect(`http://${address}`);
    session.on('error', () => undefined);
    return session;
  }

  it('advertises a bounded number of concurrent streams per connection (not 2^32-1)', async () => {
    hub = await startTestHub();
    const client = dial(hub.hub.grpcAddress);
    const settings = await new Promise<http2.Settings>((resolve) => client.once('remoteSettings', resolve));
    expect(settings.maxConcurrentStreams).toBe(defaultGrpcServerLimits.maxConcurrentStreams);
  });

  it('pings a connection to see it is alive, and closes one that stays idle', async () => {
    hub = await startTestHub({ grpcLimits: { keepaliveTimeMs: 50, maxConnectionIdleMs: 300 } });
    const client = dial(hub.hub.grpcAddress);
    await new Promise<void>((resolve) => client.once('ping', () => resolve()));
    const code = await new Promise<number>((resolve) => client.once('goaway', (errorCode) => resolve(errorCode)));
    expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
  });

  it('tells a connection to go away once it reaches its maximum age, even while a call is open', async () => {
    hub = await startTestHub({ grpcLimits: { maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 60_000 } });
    const client = dial(hub.hub.grpcAddress);
    // An open Connect call (no credential: refused, but only once the server reads it) keeps the connection busy.
    const call = client.request({ ':method': 'POST', ':path': '/flotilla.agent.v1.AgentService/Connect', 'content-type': 'application/grpc' });
    call.on('error', () => undefined);
    const code = await new Promise<number>((resolve) => client.once('goaway', (errorCode) => resolve(errorCode)));
    expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
  });

  it('lets the hub send a snapshot as large as agents accept, and bounds what it receives', () => {
    const options = grpcServerOptions();
    expect(options['grpc.max_send_message_length']).toBe(64 * 1024 * 1024);
    expect(options['grpc.max_receive_message_length']).toBe(4 * 1024 * 1024);
    expect(options['grpc.keepalive_permit_without_calls']).toBe(1);
  });
});
