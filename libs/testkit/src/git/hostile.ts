// A git smart-HTTP server that misbehaves on purpose, for testing clients' limits: it advertises one ref, then answers
// upload-pack with an endless pack, a pack holding a zip-bomb object, a pack claiming millions of objects, or a drip.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createDeflate } from 'node:zlib';

export type HostileMode =
  /** A pack header, then random bytes for ever. */
  | { kind: 'endless-pack' }
  /** One blob declared `declaredSize` bytes whose zlib stream inflates to zeros for ever. */
  | { kind: 'huge-object'; declaredSize: number }
  /** A pack header claiming `objects` objects. */
  | { kind: 'many-objects'; objects: number }
  /** A valid start of a response, then one byte every `intervalMs`, for ever. */
  | { kind: 'drip'; intervalMs: number };

export interface HostileGitServer {
  url: string;
  /** http://127.0.0.1:<port>/<name>.git (any name: every repository misbehaves the same way). */
  repoUrl(name: string): string;
  /** The commit the server advertises as refs/heads/main. */
  commit: string;
  /** Upload-pack bytes written so far, over every response. */
  bytesSent(): number;
  /** Resolves once the client has closed the upload-pack response (cut it off), with the bytes that response carried. */
  cutOff(): Promise<number>;
  close(): Promise<void>;
}

function pkt(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

const flush = Buffer.from('0000');
const sideBand = (data: Buffer) => pkt(Buffer.concat([Buffer.from([1]), data]));

function packHeader(objects: number): Buffer {
  const b = Buffer.alloc(12);
  b.write('PACK', 0, 'latin1');
  b.writeUInt32BE(2, 4);
  b.writeUInt32BE(objects, 8);
  return b;
}

/** A blob's pack object header: type 3, size as git encodes it (4 bits, then 7 per byte). */
function blobHeader(size: number): Buffer {
  const bytes: number[] = [];
  let rest = Math.floor(size / 16);
  let first = (3 << 4) | (size % 16);
  if (rest > 0) first |= 0x80;
  bytes.push(first);
  while (rest > 0) {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  }
  return Buffer.from(bytes);
}

export async function startHostileGitServer(mode: HostileMode, commit = 'c0ffee'.padEnd(40, '0')): Promise<HostileGitServer> {
  let sent = 0;
  const cutOffs: number[] = [];
  const waiting: ((bytes: number) => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const write = (res: ServerResponse, data: Buffer, counter: { bytes: number }): boolean => {
    sent += data.length;
    counter.bytes += data.length;
    return res.write(data);
  };

  const servePack = (res: ServerResponse): void => {
    const counter = { bytes: 0 };
    let closed = false;
    res.on('close', () => {
      closed = true;
      cutOffs.push(counter.bytes);
      waiting.splice(0).forEach((resolve) => resolve(counter.bytes));
    });
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result', 'cache-control': 'no-cache' });
    write(res, Buffer.concat([pkt(`shallow ${commit}\n`), flush, pkt('NAK\n')]), counter);
    const pump = (next: () => Buffer): void => {
      const loop = (): void => {
        while (!closed) {
          if (!write(res, sideBand(next()), counter)) {
            res.once('drain', loop);
            return;
          }
        }
      };
      loop();
    };
    switch (mode.kind) {
      case 'endless-pack':
        write(res, sideBand(packHeader(1)), counter);
        pump(() => randomBytes(32 * 1024));
        return;
      case 'many-objects':
        write(res, sideBand(packHeader(mode.objects)), counter);
        pump(() => randomBytes(32 * 1024));
        return;
      case 'huge-object': {
        write(res, sideBand(Buffer.concat([packHeader(1), blobHeader(mode.declaredSize)])), counter);
        const deflate = createDeflate();
        const zeros = Buffer.alloc(1024 * 1024);
        deflate.on('data', (chunk: Buffer) => {
          if (!closed && !write(res, sideBand(chunk), counter)) {
            deflate.pause();
            res.once('drain', () => deflate.resume());
          }
        });
        const feed = (): void => {
          while (!closed && deflate.write(zeros));
          if (!closed) deflate.once('drain', feed);
          else deflate.destroy();
        };
        feed();
        return;
      }
      case 'drip': {
        write(res, sideBand(packHeader(1)), counter);
        const timer = setInterval(() => {
          if (closed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          write(res, sideBand(Buffer.from([0x78])), counter);
        }, mode.intervalMs);
        timers.add(timer);
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname.endsWith('/info/refs')) {
      const caps = 'multi_ack_detailed side-band-64k shallow no-progress ofs-delta allow-tip-sha1-in-want allow-reachable-sha1-in-want';
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement', 'cache-control': 'no-cache' });
      res.end(Buffer.concat([pkt('# service=git-upload-pack\n'), flush, pkt(`${commit} HEAD\0${caps} symref=HEAD:refs/heads/main\n`), pkt(`${commit} refs/heads/main\n`), flush]));
      return;
    }
    if (req.method === 'POST' && url.pathname.endsWith('/git-upload-pack')) {
      req.resume();
      req.on('end', () => servePack(res));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    repoUrl: (name) => `${url}/${name}.git`,
    commit,
    bytesSent: () => sent,
    cutOff: () => (cutOffs.length > 0 ? Promise.resolve(cutOffs[0]!) : new Promise((resolve) => waiting.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
