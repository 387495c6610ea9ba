// The flotilla-agent process: configuration from flags and environment, then the agent until a signal or a fatal stop.
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { startAgent } from './agent.js';
import { loadConfig, parseGitCredentials, usage } from './config/index.js';
import type { AgentConfig } from './config/index.js';
import { AgentError, errorMessage } from './errors.js';
import { healthCommand } from './health/command.js';
import { runManifests } from './manifests/cli.js';
import { agentVersion } from './version.js';

async function readConfigFile(file: string, variable: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AgentError('InvalidArgument', `${variable}: cannot read ${file}: ${errorMessage(error)}`);
  }
}

/**
 * grpc-js sets the TLS ServerName to the hub's host even when it is an IP address, and Node warns about that (DEP0123)
 * on every start. The certificate is still checked against the address (IP SANs), so only that one warning is dropped.
 */
function ignoreIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (code === 'DEP0123') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

async function main(): Promise<number> {
  ignoreIpServerNameWarning();
  if (process.argv[2] === 'manifests') return runManifests(process.argv.slice(3), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage());
    return 0;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`flotilla-agent ${agentVersion}\n`);
    return 0;
  }
  let config: AgentConfig;
  const log = pino({ name: 'flotilla-agent', level: process.env['FLOTILLA_LOG_LEVEL'] ?? 'info', redact: ['credential', 'bootstrapToken', '*.credential', '*.password'] });
  try {
    config = loadConfig(argv, process.env);
    if (!config.insecure && config.hubCaFile === undefined) log.info('FLOTILLA_HUB_CA_FILE not set: trusting the system roots for the hub');
  } catch (error) {
    log.error(errorMessage(error));
    return 2;
  }
  let agent;
  try {
    const hubCa = config.hubCaFile === undefined ? undefined : await readConfigFile(config.hubCaFile, 'FLOTILLA_HUB_CA_FILE');
    const gitCredentials =
      config.gitCredentialsFile === undefined ? [] : parseGitCredentials(await readConfigFile(config.gitCredentialsFile, 'FLOTILLA_GIT_CREDENTIALS_FILE'), 'FLOTILLA_GIT_CREDENTIALS_FILE');
    agent = await startAgent({
      hubAddress: config.hubAddress,
      clusterName: config.clusterName,
      labels: config.labels,
      ...(config.bootstrapToken !== undefined ? { bootstrapToken: config.bootstrapToken } : {}),
      ...(config.stateDir !== undefined ? { stateDir: config.stateDir } : {}),
      ...(config.stateNamespace !== undefined ? { stateNamespace: config.stateNamespace } : {}),
      ...(config.kubeconfig !== undefined ? { kubeconfig: config.kubeconfig } : {}),
      insecure: config.insecure,
      ...(hubCa !== undefined ? { hubCa } : {}),
      ...(config.guard.namespaces !== '*' ? { allowedNamespaces: [...config.guard.namespaces] } : {}),
      ...(config.guard.kinds !== '*' ? { allowedKinds: [...config.guard.kinds] } : {}),
      gitCredentials,
      ...(config.kustomize !== undefined ? { kustomize: config.kustomize } : {}),
      ...(config.healthPort !== undefined ? { healthPort: config.healthPort } : {}),
      healthHost: config.healthHost,
      source: config.source,
      logger: log,
    });
  } catch (error) {
    log.error(errorMessage(error));
    return 1;
  }
  const running = agent;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      void running.close();
    });
  }
  const reason = await running.stopped;
  return reason.kind === 'closed' ? 0 : 1;
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
process.exitCode =
  process.argv[2] === 'health'
    ? await healthCommand(process.argv.slice(3), { readFile: readInput, out: (line) => console.log(line), err: (line) => console.error(line) })
    : await main();
