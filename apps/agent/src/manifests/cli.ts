// The `flotilla-agent manifests` subcommand: reads values files as `helm template -f` does and prints the manifests.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { AgentError, errorMessage } from '../errors.js';
import { coalesce, renderManifests } from './index.js';
import type { Values } from './index.js';

export const manifestsUsage = `usage: flotilla-agent manifests [--values values.yaml]... [--namespace flotilla-system] [--release-name flotilla-agent]

Prints the agent's install manifests for these values, the same objects as
  helm template <release-name> deploy/helm/flotilla-agent --namespace <namespace> -f values.yaml
Later --values files override earlier ones, as with helm.
`;

async function readValues(file: string): Promise<Values> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AgentError('InvalidArgument', `--values: cannot read ${file}: ${errorMessage(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new AgentError('InvalidArgument', `--values ${file}: not YAML: ${errorMessage(error)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new AgentError('InvalidArgument', `--values ${file}: must be a YAML mapping`);
  return parsed as Values;
}

/** Runs the subcommand; returns the exit code. */
export async function runManifests(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values: { values?: string[]; namespace?: string; 'release-name'?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: { values: { type: 'string', short: 'f', multiple: true }, namespace: { type: 'string', short: 'n' }, 'release-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    err(`${errorMessage(error)}\n${manifestsUsage}`);
    return 2;
  }
  if (values.help) {
    out(manifestsUsage);
    return 0;
  }
  try {
    let merged: Values = {};
    for (const file of values.values ?? []) merged = coalesce(merged, await readValues(file));
    out(renderManifests(merged, { name: values['release-name'] ?? 'flotilla-agent', namespace: values.namespace ?? 'default' }));
    return 0;
  } catch (error) {
    err(`${errorMessage(error)}\n`);
    return error instanceof AgentError && error.code === 'InvalidArgument' ? 2 : 1;
  }
}
