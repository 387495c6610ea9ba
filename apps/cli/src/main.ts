// The flotilla command line. `flotilla render` previews exactly what an agent will apply for an app on a cluster.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { isRenderError, readTreeFromDirectory, readTreeFromRepository, render } from '@flotilla/render';
import type { RenderParams } from '@flotilla/render';

const USAGE = `Usage: flotilla <command> [options]

Commands:
  render <dir>   Print the YAML stream an agent would apply, as \`kustomize build\` prints it.

Options for render:
  --app-path <p>        Treat <dir> as the repository root and render <p> inside it, nothing read outside
                        <dir> (default: render <dir> within the git work tree around it, as the agent sees the
                        repository; outside a work tree, as \`kustomize build <dir>\` does)
  --cluster <name>      Cluster name, substituted for \${cluster.name}
  --label <key=value>   Cluster label, substituted for \${cluster.labels.<key>} (repeatable)
  --stage <s>           Stage name, substituted for \${stage}
  --app <a>             Application name, substituted for \${app}
  -h, --help            Show this help
  --version             Print the version
`;

const OUTSIDE_GIT_NOTE = (dir: string): string =>
  `flotilla render: ${dir} is not inside a git work tree, so it is rendered as \`kustomize build\` reads it (bases and ` +
  'components anywhere on disk). The agent reads nothing outside the repository it fetched; to see that view, run this ' +
  'inside the git work tree, or pass the repository root as <dir> with --app-path <path inside it>.\n';

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'app-path': { type: 'string' },
        cluster: { type: 'string' },
        label: { type: 'string', multiple: true },
        stage: { type: 'string' },
        app: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    err(`flotilla: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version === true) {
    out('flotilla 0.1.0\n');
    return 0;
  }
  if (values.help === true || command === undefined || command === 'help') {
    out(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (command !== 'render') {
    err(`flotilla: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.length !== 1) {
    err(`flotilla render: expected exactly one directory\n\n${USAGE}`);
    return 2;
  }
  const labels: Record<string, string> = {};
  for (const l of values.label ?? []) {
    const eq = l.indexOf('=');
    if (eq <= 0) {
      err(`flotilla render: --label must be key=value (got "${l}")\n`);
      return 2;
    }
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const params: RenderParams = {};
  if (values.cluster !== undefined || Object.keys(labels).length > 0) params.cluster = { name: values.cluster ?? '', labels };
  if (values.stage !== undefined) params.stage = values.stage;
  if (values.app !== undefined) params.app = values.app;
  try {
    // With --app-path, <dir> is the repository root. Without it, the root is the git work tree around <dir> (ignored
    // files left out), so an overlay reaching ../base renders as `kustomize build <dir>` does.
    // Outside a git work tree it reads what `kustomize build <dir>` reads (bases and components anywhere on disk).
    const snapshot =
      values['app-path'] !== undefined
        ? { tree: await readTreeFromDirectory(resolve(rest[0] as string)), appPath: values['app-path'], view: 'repository' as const }
        : await readTreeFromRepository(rest[0] as string);
    if (snapshot.view === 'kustomize-build') err(OUTSIDE_GIT_NOTE(rest[0] as string));
    const result = render(snapshot.tree, snapshot.appPath, params);
    out(result.yaml);
    return 0;
  } catch (e) {
    if (isRenderError(e)) {
      err(`Error: ${e.message}\n`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      err(`Error: ${rest[0]}: no such directory\n`);
      return 1;
    }
    throw e;
  }
}

const code = await main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
process.exitCode = code;
