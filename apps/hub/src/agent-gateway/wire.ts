// Checks on every field an agent sends, made once at the edge: what PostgreSQL (or the hub's number types) would refuse
// later — NUL bytes, unpaired UTF-16 surrogates, integers past what the store holds, timestamps outside years 1-9999 —
// is an InvalidArgument naming the field, so one agent's bad report can never reach (and stall) the status flush.
import type { AppStatus, Hello, RegisterRequest } from '@flotilla/proto';
import { FlotillaError } from '../errors/index.js';

/** Longest free text (sync error, health message, resource message) one field may carry. */
export const MAX_MESSAGE_CHARS = 64 * 1024;
/** Longest name-like field (application, kind, namespace, resource name, agent version). */
export const MAX_NAME_CHARS = 253;
/** Most resources one application's status may list. */
export const MAX_RESOURCES = 10_000;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Timestamp range of google.protobuf.Timestamp (0001-01-01 to 9999-12-31), which PostgreSQL's timestamptz holds.
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;
const MAX_GENERATION = BigInt(Number.MAX_SAFE_INTEGER);

type Timestamp = NonNullable<AppStatus['observedAt']>;

/** What is wrong with text from the wire, or undefined when the store can hold it. */
export function textProblem(value: string, maxChars: number): string | undefined {
  const nul = value.indexOf('\u0000');
  if (nul >= 0) return `holds a NUL byte at character ${nul}`;
  const surrogate = UNPAIRED_SURROGATE.exec(value);
  if (surrogate) return `holds an unpaired UTF-16 surrogate at character ${surrogate.index} (not valid Unicode)`;
  if (value.length > maxChars) return `is ${value.length} characters long, over the limit of ${maxChars}`;
  return undefined;
}

export function checkText(value: string, field: string, maxChars: number): void {
  const problem = textProblem(value, maxChars);
  if (problem) throw new FlotillaError('InvalidArgument', `${field}: ${problem}`, { field });
}

/** A generation: 0 up to 2^53-1 (the store keeps generations as JavaScript numbers). */
export function checkGeneration(value: bigint, field: string): void {
  if (value < 0n || value > MAX_GENERATION) {
    throw new FlotillaError('InvalidArgument', `${field}: ${value} is outside 0..${MAX_GENERATION}`, { field });
  }
}

export function checkTimestamp(value: Timestamp | undefined, field: string): void {
  if (value === undefined) return;
  if (value.seconds < MIN_SECONDS || value.seconds > MAX_SECONDS) {
    throw new FlotillaError('InvalidArgument', `${field}: ${value.seconds} seconds is outside years 0001-9999`, { field });
  }
  if (value.nanos < 0 || value.nanos > 999_999_999) {
    throw new FlotillaError('InvalidArgument', `${field}: nanos ${value.nanos} is outside 0..999999999`, { field });
  }
}

export function checkHello(hello: Hello): void {
  checkText(hello.agentVersion, 'hello.agent_version', MAX_NAME_CHARS);
  checkGeneration(hello.lastAppliedGeneration, 'hello.last_applied_generation');
}

/** Registration fields the name and label rules do not already cover. */
export function checkRegistration(request: RegisterRequest): void {
  checkText(request.agentVersion, 'agent_version', MAX_NAME_CHARS);
}

/** Every field of one application's status; `field` is its path in the message (`status.apps[3]`). */
export function checkAppStatus(status: AppStatus, field: string): void {
  checkText(status.app, `${field}.app`, MAX_NAME_CHARS);
  checkGeneration(status.observedGeneration, `${field}.observed_generation`);
  checkText(status.observedCommit, `${field}.observed_commit`, 40);
  checkText(status.syncError, `${field}.sync_error`, MAX_MESSAGE_CHARS);
  checkText(status.healthMessage, `${field}.health_message`, MAX_MESSAGE_CHARS);
  checkTimestamp(status.observedAt, `${field}.observed_at`);
  if (status.resources.length > MAX_RESOURCES) {
    throw new FlotillaError('InvalidArgument', `${field}.resources: ${status.resources.length} resources, over the limit of ${MAX_RESOURCES}`, {
      field: `${field}.resources`,
    });
  }
  for (const [i, r] of status.resources.entries()) {
    const at = `${field}.resources[${i}]`;
    checkText(r.group, `${at}.group`, MAX_NAME_CHARS);
    checkText(r.version, `${at}.version`, MAX_NAME_CHARS);
    checkText(r.kind, `${at}.kind`, MAX_NAME_CHARS);
    checkText(r.namespace, `${at}.namespace`, MAX_NAME_CHARS);
    checkText(r.name, `${at}.name`, MAX_NAME_CHARS);
    checkText(r.message, `${at}.message`, MAX_MESSAGE_CHARS);
  }
}
