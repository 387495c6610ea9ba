// Several hub replicas on one PostgreSQL: exactly one drives promotions (a session advisory lock held on a dedicated
// connection; losing the connection loses the lead), and every replica hears the others' desired-state changes,
// revocations and due promotions through LISTEN/NOTIFY. PGlite is one process: it always leads and needs no relay.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ClusterChange, ClusterNotifier } from '../fleet/index.js';

const CHANNEL = 'flotilla_events';
// 'flotlead': distinct from the migration lock.
const LEADER_LOCK_KEY = 0x666c6f74_6c656164n;
/** NOTIFY payloads are limited to 8000 bytes; larger sets of clusters go in several messages. */
const IDS_PER_MESSAGE = 150;

export interface CoordinationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CoordinationHooks {
  /** This replica now leads: it drives promotions. */
  onLead(): void;
  /** It lost the lead (its lock connection failed): it must stop driving at once. */
  onLoseLead(): void;
  /** Another replica made promotions due: the leader steps them. */
  onDue(): void;
}

export interface Coordination {
  readonly replicaId: string;
  start(): Promise<void>;
  /** Tells the other replicas (after the local notifier did) that these clusters' desired state changed or were revoked. */
  relay(clusterIds: Iterable<string>, change: ClusterChange): void;
  /** Tells the leader that promotions are due. */
  relayDue(): void;
  isLeader(): boolean;
  close(): Promise<void>;
}

interface Message {
  origin: string;
  kind: ClusterChange | 'due';
  clusters?: string[];
}

/** One process, one store: lead at once, relay nothing. */
export function soleReplica(hooks: CoordinationHooks): Coordination {
  let leading = false;
  return {
    replicaId: 'sole',
    async start() {
      leading = true;
      hooks.onLead();
    },
    relay: () => undefined,
    relayDue: () => undefined,
    isLeader: () => leading,
    async close() {
      leading = false;
    },
  };
}

export function postgresReplicas(url: string, notifier: ClusterNotifier, hooks: CoordinationHooks, log: CoordinationLogger, retryMs = 2000): Coordination {
  const replicaId = randomUUID();
  let closed = false;
  let leading = false;
  let lockClient: pg.Client | undefined;
  let listenClient: pg.Client | undefined;
  let sender: pg.Pool | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const schedule = (fn: () => void) => {
    if (closed) return;
    retry = setTimeout(fn, retryMs);
    retry.unref();
  };

  const loseLead = (why: string) => {
    if (!leading) return;
    leading = false;
    log.warn({ replica: replicaId, why }, 'lost the promotion lead');
    hooks.onLoseLead();
  };

  const tryLead = async (): Promise<void> => {
    if (closed || leading) return;
    try {
      if (!lockClient) {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
        client.on('error', (err) => {
          if (lockClient === client) lockClient = undefined;
          loseLead(err.message);
          schedule(() => void tryLead());
        });
        client.on('end', () => {
          if (lockClient === client) lockClient = undefined;
          loseLead('lock connection closed');
        });
        await client.connect();
        lockClient = client;
      }
      const { rows } = await lockClient.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [LEADER_LOCK_KEY.toString()]);
      if (rows[0]?.locked) {
        leading = true;
        log.info({ replica: replicaId }, 'leading: this replica drives promotions');
        hooks.onLead();
        return;
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cannot reach PostgreSQL for the promotion lead; retrying');
      await lockClient?.end().catch(() => undefined);
      lockClient = undefined;
    }
    schedule(() => void tryLead());
  };

  const listen = async (): Promise<void> => {
    if (closed) return;
    try {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
      client.on('notification', (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        let message: Message;
        try {
          message = JSON.parse(n.payload) as Message;
        } catch {
          return;
        }
        if (message.origin === replicaId) return;
        if (message.kind === 'due') hooks.onDue();
        else notifier.deliver(message.clusters ?? [], message.kind);
      });
      client.on('error', (err) => {
        log.warn({ err: err.message }, 'lost the LISTEN connection; reconnecting');
        listenClient = undefined;
        // Whatever was missed meanwhile: every stream re-reads its snapshot on the next change, and promotions are due.
        hooks.onDue();
        schedule(() => void listen());
      });
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      listenClient = client;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cannot LISTEN for other replicas; retrying');
      schedule(() => void listen());
    }
  };

  const send = (message: Message) => {
    if (!sender) {
      sender = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000 });
      // An idle connection the server dropped is the pool's to replace; it must not take the process down.
      sender.on('error', (err) => log.warn({ err: err.message }, 'NOTIFY connection lost'));
    }
    sender.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]).catch((err: Error) => log.warn({ err: err.message }, 'cannot NOTIFY the other replicas'));
  };

  return {
    replicaId,
    async start() {
      await listen();
      await tryLead();
    },
    relay(clusterIds, kind) {
      const ids = [...clusterIds];
      for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) send({ origin: replicaId, kind, clusters: ids.slice(i, i + IDS_PER_MESSAGE) });
    },
    relayDue() {
      send({ origin: replicaId, kind: 'due' });
    },
    isLeader: () => leading,
    async close() {
      closed = true;
      clearTimeout(retry);
      leading = false;
      await Promise.all([lockClient?.end().catch(() => undefined), listenClient?.end().catch(() => undefined), sender?.end().catch(() => undefined)]);
    },
  };
}
