// Reads the hub's configuration from the environment (what main.ts runs with); every problem names its variable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TlsSetting } from './tls.js';

export interface EnvConfig {
  databaseUrl?: string;
  dataDir: string;
  host: string;
  httpPort: number;
  grpcPort: number;
  tls: TlsSetting;
  tlsNames: string[];
  logLevel: string;
  insecure: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name}: "${raw}" is not a port number (0-65535)`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name}: "${env[name]}" is not true or false`);
}

function readPem(env: NodeJS.ProcessEnv, name: string): string {
  const file = env[name]!;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${file}: ${(err as Error).message}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const insecure = flag(env, 'FLOTILLA_INSECURE');
  const certFile = env['FLOTILLA_TLS_CERT_FILE'];
  const keyFile = env['FLOTILLA_TLS_KEY_FILE'];
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError('FLOTILLA_TLS_CERT_FILE and FLOTILLA_TLS_KEY_FILE must be set together');
  }
  if (certFile && insecure) throw new ConfigError('FLOTILLA_INSECURE=true conflicts with FLOTILLA_TLS_CERT_FILE');
  let tls: TlsSetting = 'self-signed';
  if (certFile) {
    tls = { cert: readPem(env, 'FLOTILLA_TLS_CERT_FILE'), key: readPem(env, 'FLOTILLA_TLS_KEY_FILE') };
    if (env['FLOTILLA_TLS_CA_FILE']) tls.ca = readPem(env, 'FLOTILLA_TLS_CA_FILE');
  } else if (insecure) {
    tls = false;
  }
  const logLevel = env['FLOTILLA_LOG_LEVEL'] || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`FLOTILLA_LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  return {
    ...(env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : {}),
    dataDir: path.resolve(env['FLOTILLA_DATA_DIR'] || path.join('.flotilla', 'data')),
    host: env['FLOTILLA_HOST'] || '0.0.0.0',
    httpPort: port(env, 'FLOTILLA_HTTP_PORT', 8080),
    grpcPort: port(env, 'FLOTILLA_GRPC_PORT', 9090),
    tls,
    tlsNames: (env['FLOTILLA_TLS_HOSTS'] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    logLevel,
    insecure,
  };
}
