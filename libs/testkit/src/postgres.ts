// Throwaway PostgreSQL databases for tests: each test run creates a uniquely named database and drops it when done.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  /** Drops the database, closing any connections still open to it; safe to call more than once. */
  drop(): Promise<void>;
}

/** The server to use: FLOTILLA_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres. */
export function testPostgresUrl(): string {
  return process.env['FLOTILLA_TEST_PG_URL'] || DEFAULT_URL;
}

/** The URL without its password, fit for messages and logs. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function withAdmin<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(opts: { baseUrl?: string } = {}): Promise<TestDatabase> {
  const baseUrl = opts.baseUrl ?? testPostgresUrl();
  // Lower-case letters, digits and '_' only, so the name needs no quoting rules beyond the double quotes used below.
  const name = `flotilla_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  try {
    await withAdmin(baseUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  } catch (err) {
    throw new Error(`cannot create test database on ${redact(baseUrl)}: ${(err as Error).message}`);
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop: () => {
      dropped ??= withAdmin(baseUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
      return dropped;
    },
  };
}

let warned = false;

/**
 * Whether the test PostgreSQL server answers. Tests use it to skip, saying why on stderr; but when env CI is set an
 * unreachable server is a broken environment, not a reason to skip, so this throws instead.
 */
export async function postgresAvailable(opts: { baseUrl?: string } = {}): Promise<boolean> {
  const baseUrl = opts.baseUrl ?? testPostgresUrl();
  try {
    await withAdmin(baseUrl, (c) => c.query('SELECT 1'));
    return true;
  } catch (err) {
    const reason = `PostgreSQL at ${redact(baseUrl)} is unreachable (${(err as Error).message})`;
    if (ciIsSet()) throw new Error(`${reason}; CI is set, so PostgreSQL tests must run, not skip`);
    if (!warned) {
      warned = true;
      process.stderr.write(`[testkit] ${reason}: skipping PostgreSQL tests (set FLOTILLA_TEST_PG_URL to point at a server)\n`);
    }
    return false;
  }
}

function ciIsSet(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
