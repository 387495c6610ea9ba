// Turns zod issues into one InvalidArgument whose message names each offending field (`body.maxUses: expected integer`).
import type { z } from 'zod';
import { FlotillaError } from '../errors/index.js';

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
}

function fieldName(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((part) => part !== '').join('.') || 'request';
}

function problem(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

export function describeIssues(prefix: string, issues: readonly Issue[]): { message: string; fields: { field: string; problem: string }[] } {
  const fields = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((key) => ({ field: fieldName(prefix, [...issue.path, key]), problem: 'unknown field' }))
      : [{ field: fieldName(prefix, issue.path), problem: problem(issue.message) }],
  );
  return { message: fields.map((f) => `${f.field}: ${f.problem}`).join('; '), fields };
}

export function invalidArgument(prefix: string, issues: readonly Issue[]): FlotillaError {
  const { message, fields } = describeIssues(prefix, issues);
  return new FlotillaError('InvalidArgument', message, { fields });
}

/** Parses `value` with `schema` or throws InvalidArgument naming the fields under `prefix`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidArgument(prefix, result.error.issues);
  return result.data;
}
