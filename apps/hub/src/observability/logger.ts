// Structured logs (pino). Credentials never reach a log line: authorization headers and any `secret`/`token`-like
// field are censored, and code logs token ids, never token strings.
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

const redact = {
  paths: [
    'req.headers.authorization',
    'headers.authorization',
    'authorization',
    'secret',
    '*.secret',
    'token',
    'credential',
    '*.credential',
    'bootstrapToken',
    '*.bootstrapToken',
  ],
  censor: '[redacted]',
};

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ level: options.level ?? 'info', base: { service: 'flotilla-hub' }, redact }, options.destination);
}
