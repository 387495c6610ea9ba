// The shape of one command of the table, what a command runs with, and small helpers to read its arguments.
import type { Query } from '../client/http.js';
import type { Env, Target } from '../context/config.js';
import { UsageError } from '../errors.js';
import type { OutputFormat } from '../output/print.js';

export type OptionValue = string | boolean | string[] | undefined;

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. "N  registrations allowed". */
  help: string;
}

export interface Invocation {
  /** Positionals by the names in `args` (without ? and ...). */
  args: Record<string, string | undefined>;
  /** What a variadic `NAME...` argument collected. */
  rest: string[];
  opts: Record<string, OptionValue>;
}

export interface HubRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  /** The key of the reply that `-o json|yaml` prints and the formatter gets, e.g. `application`. */
  unwrap?: string;
  /** For a reply without a body (204): what to print, e.g. `application/shop deleted`. */
  done?: string;
}

export interface Io {
  out(s: string): void;
  err(s: string): void;
  env?: Env;
  now?: () => Date;
  /** Aborts following commands (`events`, `promote --wait`); the bin wires it to SIGINT. */
  signal?: AbortSignal;
  /** Reads standard input, for `apply -f -`. */
  stdin?: () => Promise<string>;
}

export interface RunContext {
  io: Io;
  env: Env;
  now(): Date;
  format: OutputFormat;
  /** The hub from flags, env and the context file; throws a UsageError when none is configured. */
  target(): Target;
  call(request: HubRequest): Promise<unknown>;
  /** Prints a value: serialized for -o json|yaml, else through `format` (default: YAML). */
  print(value: unknown, format?: (value: unknown) => string): void;
}

export interface CommandSpec {
  /** The words that name it: ['get', 'applications']. */
  words: string[];
  /** Positional arguments: 'NAME', optional 'NAME?', variadic 'LABEL...'. */
  args: string[];
  summary: string;
  /** Extra usage text after the arguments, e.g. '(COMMIT|--ref REF)'. */
  usage?: string;
  options?: Record<string, OptionSpec>;
  /** A plain call: the request from the invocation and the human form of its (unwrapped) reply. */
  request?: (inv: Invocation) => HubRequest;
  format?: (value: unknown, inv: Invocation, now: Date) => string;
  /** A flow of its own (several calls, a stream, a file): returns the exit code. */
  run?: (inv: Invocation, ctx: RunContext) => Promise<number>;
}

export const enc = encodeURIComponent;

export function str(inv: Invocation, name: string): string | undefined {
  const v = inv.opts[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(inv: Invocation, name: string): boolean {
  return inv.opts[name] === true;
}

export function arg(inv: Invocation, name: string): string {
  const v = inv.args[name];
  if (v === undefined) throw new UsageError(`missing ${name}`);
  return v;
}

export function int(inv: Invocation, name: string): number | undefined {
  const v = str(inv, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name}: expected a whole number (got "${v}")`);
  return Number(v);
}

/** Drops undefined fields so bodies carry only what was given. */
export function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations, as the pipelines use them: 500ms, 90s, 30m, 1h30m. */
export function parseDuration(text: string, what: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new UsageError(`${what}: "${text}" is not a duration like 90s, 30m or 1h30m`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * (units[p[2]!] ?? 0), 0);
}
