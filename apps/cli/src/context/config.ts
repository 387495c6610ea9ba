// The context file (like a kubeconfig): named hub contexts (server, token, CA) and the current one; env overrides it.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { UsageError } from '../errors.js';

export interface Context {
  name: string;
  server: string;
  token: string;
  /** PEM of the CA to trust for the hub's TLS certificate; absent: the system's trust store. */
  ca?: string;
}

export interface ConfigFile {
  currentContext: string;
  contexts: Context[];
}

/** Where a client call goes and with what: the resolved context after env overrides. */
export interface Target {
  server: string;
  token: string;
  ca?: string;
  context: string;
}

export type Env = Record<string, string | undefined>;

export function configPath(env: Env): string {
  if (env['FLOTILLA_CONFIG']) return env['FLOTILLA_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'flotilla', 'config.yaml');
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${where}: expected a non-empty string`);
  return value;
}

export function readConfig(path: string): ConfigFile {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { currentContext: '', contexts: [] };
    throw e;
  }
  const doc = (parse(raw) ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${path}: expected a mapping`);
  const list = doc['contexts'] ?? [];
  if (!Array.isArray(list)) throw new UsageError(`${path}: contexts: expected a list`);
  const contexts = list.map((c: Record<string, unknown>, i): Context => {
    const where = `${path}: contexts[${i}]`;
    const ctx: Context = { name: text(c['name'], `${where}.name`), server: text(c['server'], `${where}.server`), token: text(c['token'], `${where}.token`) };
    if (c['ca'] !== undefined) ctx.ca = text(c['ca'], `${where}.ca`);
    return ctx;
  });
  return { currentContext: typeof doc['current-context'] === 'string' ? doc['current-context'] : '', contexts };
}

/** Writes the file readable by its owner only (it holds tokens), atomically. */
export function writeConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const doc = { 'current-context': config.currentContext, contexts: config.contexts };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, stringify(doc), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function upsertContext(config: ConfigFile, context: Context): ConfigFile {
  const contexts = config.contexts.filter((c) => c.name !== context.name);
  contexts.push(context);
  return { currentContext: context.name, contexts };
}

export function readPemFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The hub to talk to: flags over env (FLOTILLA_SERVER, FLOTILLA_TOKEN, FLOTILLA_CA_FILE) over the context file. */
export function resolveTarget(env: Env, flags: { context?: string | undefined; server?: string | undefined; token?: string | undefined; ca?: string | undefined }): Target {
  const path = configPath(env);
  const config = readConfig(path);
  const name = flags.context ?? config.currentContext;
  const ctx = config.contexts.find((c) => c.name === name);
  if (flags.context !== undefined && !ctx) throw new UsageError(`no context "${flags.context}" in ${path}`);
  const server = flags.server ?? env['FLOTILLA_SERVER'] ?? ctx?.server;
  const token = flags.token ?? env['FLOTILLA_TOKEN'] ?? ctx?.token;
  const caFile = flags.ca ?? env['FLOTILLA_CA_FILE'];
  const ca = caFile ? readPemFile(caFile, flags.ca ? '--ca' : 'FLOTILLA_CA_FILE') : ctx?.ca;
  if (!server) throw new UsageError(`no hub server: run \`flotilla login --server URL --token TOKEN\` or set FLOTILLA_SERVER (context file ${path})`);
  if (!token) throw new UsageError(`no API token: run \`flotilla login\` or set FLOTILLA_TOKEN (context file ${path})`);
  return { server, token, ...(ca ? { ca } : {}), context: ctx?.name ?? '' };
}
