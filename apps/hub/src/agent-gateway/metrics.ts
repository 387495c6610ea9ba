// The gateway's Prometheus metrics (flotilla_agent_*), registered in the hub's own registry when it asks for them.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface GatewayMetrics {
  messages: Counter<'kind'>;
  streamsClosed: Counter<'code'>;
  snapshots: Counter;
  snapshotsCoalesced: Counter;
  futureGenerations: Counter;
  flushFailures: Counter<'stage' | 'outcome'>;
}

export interface GatewayGauges {
  openStreams(): number;
  bufferedStatuses(): number;
  bufferedBytes(): number;
}

export function createGatewayMetrics(registry: Registry, { openStreams, bufferedStatuses, bufferedBytes }: GatewayGauges): GatewayMetrics {
  new Gauge({
    name: 'flotilla_agent_stream_buffered_bytes',
    help: 'Bytes of messages handed to agent streams and not yet flushed to their connections (bounded per stream).',
    registers: [registry],
    collect() {
      this.set(bufferedBytes());
    },
  });
  new Gauge({
    name: 'flotilla_agent_streams',
    help: 'Agent Connect streams open on this hub process (one per cluster).',
    registers: [registry],
    collect() {
      this.set(openStreams());
    },
  });
  new Gauge({
    name: 'flotilla_agent_statuses_buffered',
    help: 'Statuses and last-seen times received and not yet written to the store.',
    registers: [registry],
    collect() {
      this.set(bufferedStatuses());
    },
  });
  return {
    messages: new Counter({
      name: 'flotilla_agent_messages_total',
      help: 'Messages received from agents on Connect streams, by kind (hello, status, ack, heartbeat).',
      labelNames: ['kind'],
      registers: [registry],
    }),
    streamsClosed: new Counter({
      name: 'flotilla_agent_streams_closed_total',
      help: 'Agent streams the hub ended with an error status, by Flotilla code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    snapshots: new Counter({
      name: 'flotilla_agent_snapshots_sent_total',
      help: 'DesiredState snapshots sent to agents.',
      registers: [registry],
    }),
    snapshotsCoalesced: new Counter({
      name: 'flotilla_agent_snapshots_coalesced_total',
      help: 'DesiredState snapshots replaced by a newer one before a slow stream could take them.',
      registers: [registry],
    }),
    futureGenerations: new Counter({
      name: 'flotilla_agent_future_generations_total',
      help: 'Statuses and acks ignored because they name a generation newer than the hub sent (the hub went back in time).',
      registers: [registry],
    }),
    flushFailures: new Counter({
      name: 'flotilla_status_flush_failures_total',
      help: 'Failed writes of the status flush, by stage (batch, row, lastSeen, listener) and outcome (retried, dropped).',
      labelNames: ['stage', 'outcome'],
      registers: [registry],
    }),
  };
}
