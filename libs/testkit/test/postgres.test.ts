import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, testPostgresUrl } from '../src/index.js';
import type { TestDatabase } from '../src/index.js';

// Nothing listens on port 1 of loopback: connections are refused at once.
const UNREACHABLE = 'postgres://postgres:hunter2@127.0.0.1:1/postgres';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: testPostgresUrl() });
  await admin.connect();
  try {
    const res = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return res.rowCount === 1;
  } finally {
    await admin.end();
  }
}

function withEnvCi<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env['CI'];
  if (value === undefined) delete process.env['CI'];
  else process.env['CI'] = value;
  return fn().finally(() => {
    if (saved === undefined) delete process.env['CI'];
    else process.env['CI'] = saved;
  });
}

describe('postgresAvailable', () => {
  it('is false for an unreachable server when CI is not set', async () => {
    expect(await withEnvCi(undefined, () => postgresAvailable({ baseUrl: UNREACHABLE }))).toBe(false);
  });

  it('fails loudly instead of skipping when CI is set, without printing the password', async () => {
    const err = await withEnvCi('true', () => postgresAvailable({ baseUrl: UNREACHABLE })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/unreachable.*CI is set/);
    expect((err as Error).message).not.toContain('hunter2');
  });
});

describe.skipIf(!(await postgresAvailable()))('createTestDatabase', () => {
  const created: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((db) => db.drop()));
  });

  it('is true for the test server', async () => {
    expect(await postgresAvailable()).toBe(true);
  });

  it('creates a uniquely named database that accepts tables and rows', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    created.push(a, b);
    expect(a.name).not.toBe(b.name);
    expect(new URL(a.url).pathname).toBe(`/${a.name}`);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (v int)');
      await client.query('INSERT INTO t VALUES (42)');
      const res = await client.query<{ db: string; v: number }>('SELECT current_database() AS db, v FROM t');
      expect(res.rows).toEqual([{ db: a.name, v: 42 }]);
    } finally {
      await client.end();
    }
  });

  it('drop() removes the database even while a connection is still open, and may be called twice', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // the forced drop terminates this connection
    await client.connect();
    expect(await databaseExists(db.name)).toBe(true);
    await db.drop();
    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await client.end().catch(() => undefined);
  });

  it('names the server, without its password, when it cannot create the database', async () => {
    const err = await createTestDatabase({ baseUrl: UNREACHABLE }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot create test database on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1/);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
