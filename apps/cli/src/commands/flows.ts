// Commands that are more than one call: login (checks, then writes the context file), apply -f, promotion commands
// (which notice a command the hub took but refused), and label (a merge onto the cluster's current labels).
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { configPath, readConfig, readPemFile, upsertContext, writeConfig } from '../context/config.js';
import type { Target } from '../context/config.js';
import { call } from '../client/http.js';
import { Outcome, UsageError, exitCodes } from '../errors.js';
import type { Application, Cluster, Promotion } from '../output/views.js';
import { arg, defined, enc, str } from './spec.js';
import type { CommandSpec } from './spec.js';

export { eventsCommand, promoteCommand } from './watch.js';

export const loginCommand: CommandSpec = {
  words: ['login'],
  args: [],
  usage: '--server URL --token TOKEN [--ca FILE] [--context NAME]',
  summary: 'Check a hub URL and API token and save them as context NAME (default "default"), the current one, in the context file',
  run: async (inv, ctx) => {
    const server = str(inv, 'server') ?? ctx.env['FLOTILLA_SERVER'];
    const token = str(inv, 'token') ?? ctx.env['FLOTILLA_TOKEN'];
    if (!server) throw new UsageError('login needs --server URL (or FLOTILLA_SERVER)');
    if (!token) throw new UsageError('login needs --token TOKEN (or FLOTILLA_TOKEN)');
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new UsageError(`--server: "${server}" is not a URL (e.g. https://hub.example.com:8080)`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--server: "${server}" must be an http(s) URL`);
    const caFile = str(inv, 'ca') ?? ctx.env['FLOTILLA_CA_FILE'];
    const ca = caFile ? readPemFile(caFile, '--ca') : undefined;
    const name = str(inv, 'context') ?? 'default';
    const target: Target = { server: url.origin, token, context: name, ...(ca ? { ca } : {}) };
    // Any role may list applications: a token that cannot is not worth saving.
    await call(target, 'GET', '/api/v1/applications');
    const path = configPath(ctx.env);
    writeConfig(path, upsertContext(readConfig(path), { name, server: target.server, token, ...(ca ? { ca } : {}) }));
    ctx.io.out(`Logged in to ${target.server}; context "${name}" saved in ${path}\n`);
    return exitCodes.ok;
  },
};

async function readSource(file: string, ctx: Parameters<NonNullable<CommandSpec['run']>>[1]): Promise<string> {
  if (file === '-') {
    if (!ctx.io.stdin) throw new UsageError('-f -: standard input is not available');
    return ctx.io.stdin();
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`-f ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export const applyCommand: CommandSpec = {
  words: ['apply'],
  args: [],
  usage: '-f FILE',
  summary: 'Create or replace applications from a YAML or JSON file: `name` plus the application body',
  options: { filename: { type: 'string', short: 'f', help: 'FILE  the file (- for standard input); several YAML documents apply in order' } },
  run: async (inv, ctx) => {
    const file = str(inv, 'filename');
    if (!file) throw new UsageError('apply needs -f FILE');
    const docs = parseAllDocuments(await readSource(file, ctx));
    const applied: Application[] = [];
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      const where = docs.length > 1 ? `${file} (document ${i + 1})` : file;
      if (doc.errors.length > 0) throw new UsageError(`${where}: ${doc.errors[0]!.message}`);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where}: expected a mapping with name, repoUrl and path`);
      const { name, ...body } = value as Record<string, unknown>;
      if (typeof name !== 'string' || name === '') throw new UsageError(`${where}: name: required, the application's name`);
      const reply = (await ctx.call({ method: 'PUT', path: `/api/v1/applications/${enc(name)}`, body })) as { application: Application };
      const app = reply.application;
      for (const w of app.warnings) ctx.io.err(`Warning: ${app.name}: ${w.path}: ${w.reason}\n`);
      applied.push(app);
      if (ctx.format === 'table') ctx.io.out(`application/${app.name} ${app.revision === 1 ? 'created' : 'configured'} (revision ${app.revision})\n`);
    }
    if (ctx.format !== 'table') ctx.print(applied.length === 1 ? applied[0] : applied);
    return exitCodes.ok;
  },
};

/** approve, reject, pause, resume, abort, rollback of one promotion. */
export function commandOf(type: 'approve' | 'reject' | 'pause' | 'resume' | 'abort' | 'rollback'): CommandSpec {
  const gate = type === 'approve' || type === 'reject';
  return {
    words: [type],
    args: ['PROMOTION_ID'],
    summary:
      {
        approve: 'Answer the approval gate that waits, yes',
        reject: 'Answer the approval gate that waits, no (the promotion fails)',
        pause: 'Pause a promotion in flight',
        resume: 'Resume a paused promotion',
        abort: 'Abort a promotion; clusters keep what they run now',
        rollback: 'Return every cluster the promotion changed to what it ran before (also after Failed or Succeeded)',
      }[type],
    options: {
      reason: { type: 'string', help: 'R  recorded with the command' },
      ...(gate ? { stage: { type: 'string', help: "S  the gate's stage (default: the one waiting)" }, wave: { type: 'string', help: "W  the gate's wave" } } : {}),
    },
    run: async (inv, ctx) => {
      const id = arg(inv, 'PROMOTION_ID');
      const path = `/api/v1/promotions/${enc(id)}`;
      const before = ((await ctx.call({ method: 'GET', path })) as { promotion: Promotion }).promotion;
      const seen = Math.max(0, ...before.events.map((e) => e.seq));
      const body = defined({ reason: str(inv, 'reason'), stage: str(inv, 'stage'), wave: str(inv, 'wave') });
      const after = ((await ctx.call({ method: 'POST', path: `${path}/${type}`, body })) as { promotion: Promotion }).promotion;
      // The hub records a command on a promotion in flight and its planner may still refuse it (nothing waits, not
      // paused): that is an event of this promotion, which the caller must not mistake for success.
      const refused = after.events.find((e) => e.seq > seen && e.type === 'CommandRefused' && e.reason.startsWith(`${type} `));
      if (refused) throw new Outcome(exitCodes.failed, `CommandRefused: ${refused.reason}`);
      if (ctx.format !== 'table') ctx.print(after);
      else ctx.io.out(`promotion/${after.id} ${type}: ${after.state}: ${after.message}\n`);
      return exitCodes.ok;
    },
  };
}

export const labelCommand: CommandSpec = {
  words: ['label', 'cluster'],
  args: ['NAME', 'LABEL...'],
  usage: 'KEY=VALUE|KEY- ...',
  summary: "Set (k=v) or remove (k-) a cluster's labels, keeping the others; it moves only to its new stage's last succeeded commit",
  run: async (inv, ctx) => {
    const name = arg(inv, 'NAME');
    if (inv.rest.length === 0) throw new UsageError('label cluster needs at least one key=value or key-');
    const path = `/api/v1/clusters/${enc(name)}`;
    const current = ((await ctx.call({ method: 'GET', path })) as { cluster: Cluster }).cluster;
    const labels = { ...current.labels };
    for (const change of inv.rest) {
      const eq = change.indexOf('=');
      if (eq > 0) labels[change.slice(0, eq)] = change.slice(eq + 1);
      else if (change.endsWith('-') && change.length > 1) delete labels[change.slice(0, -1)];
      else throw new UsageError(`label "${change}": expected key=value or key-`);
    }
    const cluster = ((await ctx.call({ method: 'PUT', path: `${path}/labels`, body: { labels } })) as { cluster: Cluster }).cluster;
    if (ctx.format !== 'table') ctx.print(cluster);
    else ctx.io.out(`cluster/${cluster.name} labeled: ${Object.entries(cluster.labels).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'}\n`);
    return exitCodes.ok;
  },
};
