// A test agent's Connect stream: each awaited message is the stream's next 'data' event; the end status is awaited too.
import type * as grpc from '@grpc/grpc-js';
import { ConnectRequestSchema, create } from '@flotilla/proto';
import type { ConnectRequest, ConnectResponse, DesiredState } from '@flotilla/proto';

export interface StreamEnd {
  code: grpc.status;
  details: string;
}

export class AgentStream {
  private readonly received: ConnectResponse[] = [];
  private waiting: ((message: ConnectResponse) => void) | undefined;
  readonly ended: Promise<StreamEnd>;

  constructor(readonly call: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse>) {
    call.on('data', (message: ConnectResponse) => {
      const waiter = this.waiting;
      this.waiting = undefined;
      if (waiter) waiter(message);
      else this.received.push(message);
    });
    this.ended = new Promise((resolve) => {
      // grpc-js reports a non-OK end as 'error' and always emits 'status'; the status carries both cases.
      call.on('error', () => undefined);
      call.on('status', (status: grpc.StatusObject) => resolve({ code: status.code, details: status.details }));
    });
  }

  /** The next message from the hub (awaits the stream's data event). */
  next(): Promise<ConnectResponse> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The next DesiredState, skipping pings. */
  async nextSnapshot(): Promise<DesiredState> {
    for (;;) {
      const message = await this.next();
      if (message.message.case === 'desiredState') return message.message.value;
    }
  }

  send(message: ConnectRequest['message']): void {
    this.call.write(create(ConnectRequestSchema, { message }));
  }

  close(): void {
    this.call.cancel();
  }
}
