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
  // Printed, never logged: stdout here is for the operator's eyes; log lines may be shipped elsewhere.
  const lines = [
    `Flotilla hub is running (store: ${hub.store.driver})`,
    `  REST API:  ${hub.httpUrl}  (OpenAPI: ${hub.httpUrl}/openapi.json)`,
    `  gRPC:      ${hub.grpcAddress}${config.tls ? ' (TLS)' : ' (plaintext)'}`,
  ];
  if (hub.caCertificate) lines.push(`  CA:        ${hub.httpUrl}/api/v1/ca`);
  if (hub.adminToken) {
    lines.push('', 'First start: an admin API token was created. It is shown only this once; keep it safe:', `  ${hub.adminToken}`);
  }
  process.stdout.write(lines.join('\n') + '\n');

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

main().catch((err: unknown) => {
  process.stderr.write(`flotilla-hub: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
