// `flotilla render`: previews exactly what an agent will apply for an app on a cluster, with no hub involved.
import { resolve } from 'node:path';
import { isRenderError, readTreeFromDirectory, readTreeFromRepository, render } from '@flotilla/render';
import type { RenderParams } from '@flotilla/render';
import { Outcome, UsageError, exitCodes } from '../errors.js';
import { str } from './spec.js';
import type { CommandSpec } from './spec.js';

const OUTSIDE_GIT_NOTE = (dir: string): string =>
  `flotilla render: ${dir} is not inside a git work tree, so it is rendered as \`kustomize build\` reads it (bases and ` +
  'components anywhere on disk). The agent reads nothing outside the repository it fetched; to see that view, run this ' +
  'inside the git work tree, or pass the repository root as <dir> with --app-path <path inside it>.\n';

export const renderCommand: CommandSpec = {
  words: ['render'],
  args: ['DIR'],
  summary: 'Print the YAML stream an agent would apply, as `kustomize build` prints it',
  options: {
    'app-path': { type: 'string', help: 'P  treat DIR as the repository root and render P inside it, nothing read outside DIR (default: DIR within the git work tree around it; outside a work tree, as `kustomize build DIR` does)' },
    cluster: { type: 'string', help: 'NAME  cluster name, substituted for ${cluster.name}' },
    label: { type: 'string', multiple: true, help: 'KEY=VALUE  cluster label, substituted for ${cluster.labels.<key>} (repeatable)' },
    stage: { type: 'string', help: 'S  stage name, substituted for ${stage}' },
    app: { type: 'string', help: 'A  application name, substituted for ${app}' },
  },
  run: async (inv, ctx) => {
    const dir = inv.args['DIR']!;
    const labels: Record<string, string> = {};
    const given = inv.opts['label'];
    for (const l of Array.isArray(given) ? given : []) {
      const eq = l.indexOf('=');
      if (eq <= 0) throw new UsageError(`render: --label must be key=value (got "${l}")`);
      labels[l.slice(0, eq)] = l.slice(eq + 1);
    }
    const cluster = str(inv, 'cluster');
    const params: RenderParams = {};
    if (cluster !== undefined || Object.keys(labels).length > 0) params.cluster = { name: cluster ?? '', labels };
    if (str(inv, 'stage') !== undefined) params.stage = str(inv, 'stage')!;
    if (str(inv, 'app') !== undefined) params.app = str(inv, 'app')!;
    try {
      // With --app-path, DIR is the repository root. Without it, the root is the git work tree around DIR (ignored
      // files left out), so an overlay reaching ../base renders as `kustomize build DIR` does.
      const appPath = str(inv, 'app-path');
      // Outside a git work tree it reads what `kustomize build DIR` reads (bases and components anywhere on disk).
      const snapshot = appPath !== undefined ? { tree: await readTreeFromDirectory(resolve(dir)), appPath, view: 'repository' as const } : await readTreeFromRepository(dir);
      if (snapshot.view === 'kustomize-build') ctx.io.err(OUTSIDE_GIT_NOTE(dir));
      ctx.io.out(render(snapshot.tree, snapshot.appPath, params).yaml);
      return exitCodes.ok;
    } catch (e) {
      if (isRenderError(e)) throw new Outcome(exitCodes.failed, `Error: ${e.message}`, true);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new Outcome(exitCodes.failed, `Error: ${dir}: no such directory`, true);
      throw e;
    }
  },
};
