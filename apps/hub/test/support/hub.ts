// A hub on in-memory PGlite and loopback ports, plus small REST and gRPC helpers for tests.
import * as grpc from '@grpc/grpc-js';
import { AgentService, FleetService, RegisterRequestSchema, create, createClient } from '@flotilla/proto';
import { createLogger } from '../../src/observability/index.js';
import { startHub } from '../../src/start-hub.js';
import type { HubOptions, RunningHub } from '../../src/start-hub.js';

export interface Reply {
  status: number;
  body: unknown;
  text: string;
}

export interface TestHub {
  hub: RunningHub;
  admin: string;
  /** Calls the REST API; `token` null sends no Authorization header. */
  rest(method: string, path: string, options?: { token?: string | null; body?: unknown; rawBody?: string }): Promise<Reply>;
  fleetClient(): ReturnType<typeof createClient<(typeof FleetService)['method']>>;
  /** Registers a cluster through the real AgentService and returns its credential. */
  register(name: string, labels?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export async function startTestHub(options: HubOptions = {}): Promise<TestHub> {
  const hub = await startHub({ dataDir: 'memory://', logger: createLogger({ level: 'silent' }), ...options });
  const admin = hub.adminToken!;
  const clients: { close(): void }[] = [];
  const rest: TestHub['rest'] = async (method, path, { token = admin, body, rawBody } = {}) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${hub.httpUrl}${path}`, {
      method,
      headers,
      ...(rawBody !== undefined ? { body: rawBody } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (e.g. the CA certificate or metrics)
    }
    return { status: response.status, body: parsed, text };
  };
  return {
    hub,
    admin,
    rest,
    fleetClient() {
      const client = createClient(FleetService, hub.grpcAddress, grpc.credentials.createInsecure());
      clients.push(client);
      return client;
    },
    async register(name, labels = {}) {
      const { body } = await rest('POST', '/api/v1/registration-tokens', { body: { maxUses: 1 } });
      const agents = createClient(AgentService, hub.grpcAddress, grpc.credentials.createInsecure());
      try {
        const response = await agents.register(
          create(RegisterRequestSchema, { bootstrapToken: (body as { secret: string }).secret, clusterName: name, labels, agentVersion: 'test' }),
        );
        return response.credential;
      } finally {
        agents.close();
      }
    },
    async close() {
      for (const client of clients) client.close();
      await hub.close();
    },
  };
}
