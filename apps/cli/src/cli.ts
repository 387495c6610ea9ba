// The flotilla command line: finds the command in the table, parses its arguments, runs it, maps errors to exit codes.
import { parseArgs } from 'node:util';
import { call } from './client/http.js';
import { resolveTarget } from './context/config.js';
import type { Target } from './context/config.js';
import { renderCommand } from './commands/render.js';
import type { CommandSpec, Invocation, Io, OptionSpec, RunContext } from './commands/spec.js';
import { canonicalWords, commands as apiCommands } from './commands/table.js';
import { HubError, Outcome, UsageError, exitCodes } from './errors.js';
import { outputFormat, serialize } from './output/print.js';
import { stringify } from 'yaml';

export type { Io } from './commands/spec.js';
export { exitCodes } from './errors.js';

export const VERSION = '0.1.0';

export const commands: CommandSpec[] = [renderCommand, ...apiCommands];

const globalOptions: Record<string, OptionSpec> = {
  context: { type: 'string', help: 'NAME  the context of the context file to use (default: its current one)' },
  server: { type: 'string', help: 'URL  the hub (overrides FLOTILLA_SERVER and the context)' },
  token: { type: 'string', help: 'TOKEN  the API token (overrides FLOTILLA_TOKEN and the context; never printed)' },
  ca: { type: 'string', help: 'FILE  PEM CA to trust for the hub (overrides FLOTILLA_CA_FILE and the context)' },
  output: { type: 'string', short: 'o', help: 'json|yaml  print what the hub returned instead of a table' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', help: 'print the version' },
};

// With a usage text, it replaces the optional and variadic arguments: `promote APP (COMMIT|--ref REF)`.
const signature = (c: CommandSpec) =>
  [...c.words, ...c.args.filter((a) => !c.usage || !/[?.]$/.test(a)).map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : a)), ...(c.usage ? [c.usage] : [])].join(' ');

const EXIT_CODES = `Exit codes: 0 success; 1 the hub refused or failed (printed as "flotilla: <code>: <message>"), or a promotion
followed with --wait ended Failed, RolledBack, Aborted or Superseded; 2 usage error; 3 --wait timed out.
`;

function optionLines(options: Record<string, OptionSpec>): string {
  return Object.entries(options)
    .map(([name, o]) => {
      const [arg, ...help] = o.help.split('  ');
      const flagText = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${help.length > 0 ? arg : 'VALUE'}` : ''}`;
      return `  ${flagText.padEnd(30)} ${help.length > 0 ? help.join('  ') : arg}\n`;
    })
    .join('');
}

export function usage(command?: CommandSpec): string {
  if (command) return `Usage: flotilla ${signature(command)} [options]\n\n${command.summary}.\n\nOptions:\n${optionLines(command.options ?? {})}${optionLines(globalOptions)}\n${EXIT_CODES}`;
  const width = 34;
  const line = (c: CommandSpec) => {
    const sig = signature(c);
    return sig.length <= width ? `  ${sig.padEnd(width)}  ${c.summary}` : `  ${sig}\n  ${''.padEnd(width)}  ${c.summary}`;
  };
  return `Usage: flotilla <command> [options]

Commands:
${commands.map(line).join('\n')}

Global options:
${optionLines(globalOptions)}
The hub comes from --server/--token/--ca, else FLOTILLA_SERVER, FLOTILLA_TOKEN, FLOTILLA_CA_FILE, else the current
context of the context file (~/.config/flotilla/config.yaml, or FLOTILLA_CONFIG), which \`flotilla login\` writes.

${EXIT_CODES}Run \`flotilla <command> --help\` for a command's options.
`;
}

/** The command words among argv: positionals before any option value (global string options take one). */
function findCommand(argv: string[]): { command: CommandSpec | undefined; words: string[] } {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      const name = a.replace(/^--?/, '');
      const spec = globalOptions[name] ?? Object.values(globalOptions).find((o) => o.short === name);
      if (spec?.type === 'string' && !a.includes('=')) i++;
      continue;
    }
    words.push(a);
  }
  const two = canonicalWords(words.slice(0, 2));
  const match = (ws: string[]) => commands.find((c) => c.words.length === ws.length && c.words.every((w, i) => w === ws[i]));
  const command = (words.length >= 2 ? match(two) : undefined) ?? match(words.slice(0, 1));
  return { command, words };
}

function invocationOf(command: CommandSpec, argv: string[]): Invocation {
  const options = { ...globalOptions, ...command.options };
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }])),
  });
  const positionals = parsed.positionals.slice(command.words.length);
  const inv: Invocation = { args: {}, rest: [], opts: parsed.values as Invocation['opts'] };
  const specs = [...command.args];
  for (const spec of specs) {
    const name = spec.replace(/[?.]+$/, '');
    if (spec.endsWith('...')) {
      inv.rest = positionals.splice(0);
    } else if (positionals.length > 0) {
      inv.args[name] = positionals.shift();
    } else if (!spec.endsWith('?')) {
      throw new UsageError(`${command.words.join(' ')}: missing ${name}`);
    }
  }
  if (positionals.length > 0) throw new UsageError(`${command.words.join(' ')}: unexpected argument "${positionals[0]}"`);
  return inv;
}

function contextFor(inv: Invocation, io: Io): RunContext {
  const env = io.env ?? process.env;
  const now = io.now ?? (() => new Date());
  const format = outputFormat(typeof inv.opts['output'] === 'string' ? inv.opts['output'] : undefined);
  let target: Target | undefined;
  const s = (k: string) => (typeof inv.opts[k] === 'string' ? (inv.opts[k] as string) : undefined);
  const ctx: RunContext = {
    io,
    env,
    now,
    format,
    target: () => (target ??= resolveTarget(env, { context: s('context'), server: s('server'), token: s('token'), ca: s('ca') })),
    call: (r) => call(ctx.target(), r.method, r.path, { ...(r.query ? { query: r.query } : {}), ...(r.body !== undefined ? { body: r.body } : {}) }),
    print: (value, human) => io.out(format === 'table' ? (human ? human(value) : stringify(value)) : serialize(value, format)),
  };
  return ctx;
}

async function runPlain(command: CommandSpec, inv: Invocation, ctx: RunContext): Promise<number> {
  const request = command.request!(inv);
  const reply = await ctx.call(request);
  if (reply === undefined) {
    if (ctx.format === 'table' || !request.done) ctx.io.out(request.done ?? '');
    return exitCodes.ok;
  }
  const value = request.unwrap !== undefined && reply !== null && typeof reply === 'object' ? (reply as Record<string, unknown>)[request.unwrap] : reply;
  ctx.print(value, command.format ? (v) => command.format!(v, inv, ctx.now()) : undefined);
  return exitCodes.ok;
}

/** Runs one command line; returns the exit code (0 ok, 1 failed, 2 usage, 3 timeout). Never calls process.exit. */
export async function main(argv: string[], io: Io): Promise<number> {
  const { command, words } = findCommand(argv);
  try {
    if (!command) {
      if (argv.includes('--version')) {
        io.out(`flotilla ${VERSION}\n`);
        return exitCodes.ok;
      }
      const asked = argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
      if (asked || words.length === 0) {
        io.out(usage());
        return asked ? exitCodes.ok : exitCodes.usage;
      }
      throw new UsageError(`unknown command "${words.join(' ')}"`);
    }
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(usage(command));
      return exitCodes.ok;
    }
    let inv: Invocation;
    try {
      inv = invocationOf(command, argv);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${command.words.join(' ')}: ${(e as Error).message}`);
    }
    const ctx = contextFor(inv, io);
    return await (command.run ? command.run(inv, ctx) : runPlain(command, inv, ctx));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`flotilla: ${e.message}\n${command ? `Usage: flotilla ${signature(command)} [options] (see --help)\n` : `Run \`flotilla --help\` for the commands.\n`}`);
      return exitCodes.usage;
    }
    if (e instanceof HubError) {
      io.err(`flotilla: ${e.code}: ${e.message}\n`);
      return exitCodes.failed;
    }
    if (e instanceof Outcome) {
      io.err(e.bare ? `${e.message}\n` : `flotilla: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
