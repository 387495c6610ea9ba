// Watches an upload-pack response as it streams in: counts the pack's objects and inflates each one (discarding the
// output) to check its size, so a pack that is too large once inflated is refused before isomorphic-git indexes it.
import pako from 'pako';
import type { SourceLimits } from './limits.js';
import { SourceLimitError } from './limits.js';

const OFS_DELTA = 6;
const REF_DELTA = 7;

type Limits = Pick<SourceLimits, 'maxObjects' | 'maxObjectBytes'>;

/** pako's Inflate with the stream state its typings leave out (isomorphic-git reads the same fields). */
type StreamingInflate = pako.Inflate & { ended: boolean; strm: { avail_in: number } };

/** Reads little-endian base-128 varints as git's delta header writes them; undefined while incomplete. */
function deltaSizes(bytes: Uint8Array): [number, number] | undefined {
  const sizes: number[] = [];
  let i = 0;
  while (sizes.length < 2) {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (i >= bytes.length) return undefined;
      const b = bytes[i++]!;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    sizes.push(value);
  }
  return [sizes[0]!, sizes[1]!];
}

/** The pack bytes inside an upload-pack response: pkt-lines, side band 1 carries the pack; or a bare pack. */
class Demux {
  private buffer: Buffer = Buffer.alloc(0);
  private raw = false;
  constructor(private readonly onPack: (bytes: Buffer) => void) {}

  push(chunk: Buffer): boolean {
    if (this.raw) {
      this.onPack(chunk);
      return true;
    }
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const head = this.buffer.subarray(0, 4).toString('latin1');
      if (head === 'PACK') {
        this.raw = true;
        const rest = this.buffer;
        this.buffer = Buffer.alloc(0);
        this.onPack(rest);
        return true;
      }
      if (!/^[0-9a-f]{4}$/.test(head)) return false;
      const length = parseInt(head, 16);
      if (length < 4) {
        this.buffer = this.buffer.subarray(4);
        continue;
      }
      if (this.buffer.length < length) return true;
      const payload = this.buffer.subarray(4, length);
      this.buffer = this.buffer.subarray(length);
      if (payload[0] === 1) this.onPack(payload.subarray(1));
    }
    return true;
  }
}

export class PackScanner {
  private readonly demux: Demux;
  private header: Buffer = Buffer.alloc(0);
  private objects = -1;
  private seen = 0;
  private inflater: StreamingInflate | undefined;
  private inflated = 0;
  private delta: { head: Uint8Array } | undefined;
  private stopped = false;

  constructor(
    private readonly limits: Limits,
    private readonly fail: (error: SourceLimitError) => void,
  ) {
    this.demux = new Demux((bytes) => this.pack(bytes));
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    // Anything this scanner does not understand is left to isomorphic-git, which still checks the pack.
    if (!this.demux.push(chunk)) this.stopped = true;
  }

  private stop(error?: SourceLimitError): void {
    this.stopped = true;
    if (error) this.fail(error);
  }

  private pack(input: Buffer): void {
    let bytes = input;
    while (!this.stopped && bytes.length > 0) {
      if (this.objects < 0) {
        this.header = Buffer.concat([this.header, bytes]);
        if (this.header.length < 12) return;
        if (this.header.subarray(0, 4).toString('latin1') !== 'PACK') return this.stop();
        this.objects = this.header.readUInt32BE(8);
        if (this.objects > this.limits.maxObjects) {
          return this.stop(new SourceLimitError('maxObjects', `the git server sent a pack of ${this.objects} objects, more than ${this.limits.maxObjects}`));
        }
        bytes = this.header.subarray(12);
        this.header = Buffer.alloc(0);
        continue;
      }
      if (this.seen >= this.objects) return this.stop();
      if (this.inflater === undefined) {
        this.header = this.header.length === 0 ? bytes : Buffer.concat([this.header, bytes]);
        const parsed = this.objectHeader(this.header);
        if (parsed === undefined) return;
        if (parsed.size > this.limits.maxObjectBytes) {
          return this.stop(new SourceLimitError('maxObjectBytes', `the git server sent an object of ${parsed.size} bytes, more than ${this.limits.maxObjectBytes}`));
        }
        bytes = this.header.subarray(parsed.length);
        this.header = Buffer.alloc(0);
        this.startObject(parsed.type);
        continue;
      }
      const inflater = this.inflater;
      inflater.push(bytes, false);
      if (this.stopped) return;
      if (inflater.err) return this.stop();
      if (!inflater.ended) return;
      const rest = inflater.strm.avail_in;
      bytes = bytes.subarray(bytes.length - rest);
      this.inflater = undefined;
      this.seen += 1;
    }
  }

  private startObject(type: number): void {
    const inflater = new pako.Inflate({ chunkSize: 64 * 1024 }) as StreamingInflate;
    this.inflated = 0;
    this.delta = type === OFS_DELTA || type === REF_DELTA ? { head: new Uint8Array(0) } : undefined;
    inflater.onData = (chunk: pako.Data) => {
      const data = chunk as Uint8Array;
      this.inflated += data.byteLength;
      if (this.inflated > this.limits.maxObjectBytes) {
        this.stop(new SourceLimitError('maxObjectBytes', `an object in the git server's pack inflates to more than ${this.limits.maxObjectBytes} bytes`));
        return;
      }
      if (this.delta && this.delta.head.length < 20) {
        const head = new Uint8Array([...this.delta.head, ...data.subarray(0, 20)]);
        this.delta.head = head;
        const sizes = deltaSizes(head);
        if (sizes && sizes[1] > this.limits.maxObjectBytes) {
          this.stop(new SourceLimitError('maxObjectBytes', `a delta in the git server's pack makes an object of ${sizes[1]} bytes, more than ${this.limits.maxObjectBytes}`));
        }
      }
    };
    this.inflater = inflater;
  }

  /** Type, declared size and header length of the object at the start of `b`; undefined while incomplete. */
  private objectHeader(b: Buffer): { type: number; size: number; length: number } | undefined {
    let i = 0;
    if (b.length < 1) return undefined;
    let byte = b[i++]!;
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      if (i >= b.length) return undefined;
      byte = b[i++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (type === OFS_DELTA) {
      do {
        if (i >= b.length) return undefined;
        byte = b[i++]!;
      } while (byte & 0x80);
    } else if (type === REF_DELTA) {
      if (b.length < i + 20) return undefined;
      i += 20;
    }
    return { type, size, length: i };
  }
}
