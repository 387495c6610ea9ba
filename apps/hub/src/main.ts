// The hub process: configuration from the environment, startHub, the first admin token printed once, clean shutdown.
import { ConfigError, configFromEnv } from './config/index.js';
import { hubUsage, hubVersion } from './config/usage.js';
import { createLogger } from './observability/index.js';
import { startHub } from './start-hub.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(hubUsage);
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`flotilla-hub ${hubVersion}\n`);
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(`flotilla-hub: unexpected argument "${argv[0]}" (the hub takes no arguments)\n\n${hubUsage}`);
    process.exit(2);
  }
  // Everything the hub writes (embedded database, CA keys, the first admin token) is its user's only.
  process.umask(0o077);
  let config;
  try {
    config = configFromEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`flotilla-hub: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.insecure) logger.warn('FLOTILLA_INSECURE=true: agents and users talk to this hub without TLS');
  const hub = await startHub({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    host: config.host,
    httpPort: config.httpPort,
    grpcPort: config.grpcPort,
    tls: config.tls,
    tlsNames: config.tlsNames,
    logger,
  });
  // The banner is for the operator; the JSON log lines go to stdout and may be shipped elsewhere, so the admin token
  // never goes there: it is in a 0600 file in the data directory, and on the terminal only when stderr is one.
  const lines = [
    `Flotilla hub is running (store: ${hub.store.driver})`,
    `  REST API:  ${hub.httpUrl}  (OpenAPI: ${hub.httpUrl}/openapi.json)`,
    `  gRPC:      ${hub.grpcAddress}${config.tls ? ' (TLS)' : ' (plaintext)'}`,
  ];
  if (hub.caCertificate) lines.push(`  CA:        ${hub.httpUrl}/api/v1/ca`);
  process.stdout.write(lines.join('\n') + '\n');
  if (hub.adminToken) process.stderr.write(adminTokenNotice(hub.adminToken, hub.adminTokenFile, process.stderr.isTTY === true));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    hub.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** What the operator is told about a newly created admin token; the token itself only on a terminal or with no file. */
function adminTokenNotice(token: string, file: string | undefined, terminal: boolean): string {
  const lines = ['', 'First start: an admin API token was created.'];
  if (file) lines.push(`  It is in ${file} (readable by this user only); move it somewhere safe and delete the file.`);
  if (terminal || !file) lines.push('  It is shown only this once; keep it safe:', `  ${token}`);
  return lines.join('\n') + '\n\n';
}

main().catch((err: unknown) => {
  process.stderr.write(`flotilla-hub: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
