// One HTTPS server (one TLS context) per process; each simulated cluster only adds a loopback listener whose
// connections are handed to it, so a thousand clusters cost a thousand sockets, not a thousand TLS servers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { servingTls } from '../tls/index.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const CLUSTER = Symbol('flotilla.cluster');
type Tagged = Socket & { [CLUSTER]?: RequestHandler };

let frontend: HttpsServer | undefined;

function shared(): HttpsServer {
  if (frontend) return frontend;
  const tls = servingTls();
  frontend = createHttpsServer({ key: tls.keyPem, cert: tls.certPem, keepAliveTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
    const raw = (req.socket as unknown as { _parent?: Tagged })._parent ?? (req.socket as Tagged);
    const handler = raw[CLUSTER];
    if (handler) handler(req, res);
    else {
      res.writeHead(503);
      res.end();
    }
  });
  frontend.on('tlsClientError', () => {
    // A client that hangs up mid-handshake is not our problem; never crash on it.
  });
  return frontend;
}

export interface Listener {
  port: number;
  /** Stops accepting and closes every open connection (including watches). */
  close(): Promise<void>;
}

export async function listen(handler: RequestHandler): Promise<Listener> {
  const https = shared();
  const sockets = new Set<Socket>();
  const server = createNetServer((socket: Tagged) => {
    socket[CLUSTER] = handler;
    socket.on('error', () => {
      // Resets and broken pipes end that connection only.
    });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    https.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
