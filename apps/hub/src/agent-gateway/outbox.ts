// What a Connect stream holds for its agent: at most one message handed to the transport and not yet flushed, plus the
// latest DesiredState waiting behind it. Desired state is level-triggered, so a newer snapshot replaces a waiting one
// and pings are skipped while the stream is busy; a stream that never drains holds one snapshot, not every change.
import type * as grpc from '@grpc/grpc-js';
import { ConnectResponseSchema, create, toBinary } from '@flotilla/proto';
import type { ConnectResponse, DesiredState } from '@flotilla/proto';

type Writable = Pick<grpc.ServerDuplexStream<unknown, ConnectResponse>, 'write'>;

export interface OutboxEvents {
  /** Bytes handed to the transport and not yet flushed, as they change (+ on write, - on flush or close). */
  buffered(deltaBytes: number): void;
  /** A snapshot was handed to the transport (it is what the agent will see next). */
  sent(snapshot: DesiredState): void;
  /** A snapshot replaced one still waiting behind a write in flight. */
  coalesced(): void;
  /** A snapshot now waits behind a write in flight (start the "behind" timer), or no longer does (stop it). */
  behind(waiting: boolean): void;
  /** A message over the transport's send limit: not written (grpc-js would end the stream without a word). */
  tooLarge(bytes: number): void;
}

export class Outbox {
  private inFlightBytes = 0;
  private waiting: DesiredState | undefined;
  private closed = false;

  constructor(
    private readonly stream: Writable,
    private readonly events: OutboxEvents,
    /** The server's grpc.max_send_message_length. */
    private readonly maxMessageBytes: number,
  ) {}

  get busy(): boolean {
    return this.inFlightBytes > 0;
  }

  /** Bytes handed to the transport and not flushed yet. */
  get bufferedBytes(): number {
    return this.inFlightBytes;
  }

  snapshot(snapshot: DesiredState): void {
    if (this.closed) return;
    if (!this.busy) return this.write({ case: 'desiredState', value: snapshot });
    if (this.waiting) this.events.coalesced();
    else this.events.behind(true);
    this.waiting = snapshot;
  }

  /** A ping only when nothing is in flight: a busy stream is alive enough, and a stuck one gains nothing from more. */
  ping(message: Extract<ConnectResponse['message'], { case: 'ping' }>['value']): void {
    if (this.closed || this.busy) return;
    this.write({ case: 'ping', value: message });
  }

  /** Forgets what is waiting and gives back the bytes still counted (the transport drops them with the stream). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiting) this.events.behind(false);
    this.waiting = undefined;
    if (this.inFlightBytes > 0) this.events.buffered(-this.inFlightBytes);
    this.inFlightBytes = 0;
  }

  private write(message: ConnectResponse['message']): void {
    const response = create(ConnectResponseSchema, { message });
    const bytes = toBinary(ConnectResponseSchema, response).length + 5;
    if (bytes - 5 > this.maxMessageBytes) return this.events.tooLarge(bytes - 5);
    this.inFlightBytes += bytes;
    this.events.buffered(bytes);
    if (message.case === 'desiredState') this.events.sent(message.value);
    // The callback runs once the transport took the frame (HTTP/2 flow control let it out), not when write() returns.
    this.stream.write(response, () => this.flushed(bytes));
  }

  private flushed(bytes: number): void {
    if (this.closed) return;
    this.inFlightBytes -= bytes;
    this.events.buffered(-bytes);
    if (this.busy || !this.waiting) return;
    const next = this.waiting;
    this.waiting = undefined;
    this.events.behind(false);
    this.write({ case: 'desiredState', value: next });
  }
}

/**
 * Resets the HTTP/2 stream under a server call, dropping what it buffered. grpc-js has no public server-side cancel
 * (ending the call waits behind the unflushed data), so this reaches its call's `stream` (grpc-js 1.14 internals);
 * when that is not found it does nothing and the stream ends with its connection (max connection age).
 */
export function resetStream(call: unknown): boolean {
  let node: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 5 && node && typeof node === 'object'; depth++) {
    const stream = (node as { stream?: { close?: (code: number) => void; destroyed?: boolean } }).stream;
    if (stream && typeof stream.close === 'function') {
      if (!stream.destroyed) stream.close(NGHTTP2_CANCEL);
      return true;
    }
    node = (node as { nextCall?: unknown }).nextCall;
  }
  return false;
}

const NGHTTP2_CANCEL = 8;
