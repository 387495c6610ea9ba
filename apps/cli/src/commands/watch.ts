// Commands that follow the hub live: `promote --wait` (progress until the promotion ends) and `events` (the SSE stream).
import { follow } from '../client/http.js';
import { Outcome, UsageError, exitCodes } from '../errors.js';
import { eventLine, progressLine } from '../output/formatters.js';
import { serialize, short } from '../output/print.js';
import { terminalStates } from '../output/views.js';
import type { Promotion } from '../output/views.js';
import { arg, defined, flag, int, parseDuration, str } from './spec.js';
import type { CommandSpec, RunContext } from './spec.js';

/** How often `--wait` reads the promotion when no event arrives (wave counts move with status reports, not events). */
const pollMs = 2000;

const isTerminal = (state: string) => (terminalStates as readonly string[]).includes(state);

function pause(ms: number, signals: (AbortSignal | undefined)[], wake: { fn: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wake.fn = () => {};
      resolve();
    };
    const timer = setTimeout(done, ms);
    wake.fn = done;
    for (const s of signals) s?.addEventListener('abort', done, { once: true });
  });
}

/** Reads the promotion whenever one of its events arrives (and every few seconds) until it ends or time runs out. */
async function waitForPromotion(ctx: RunContext, id: string, timeoutMs: number, timeoutText: string, onLine: (line: string) => void): Promise<Promotion> {
  const abort = new AbortController();
  let dirty = false;
  const wake = { fn: () => {} };
  const stream = follow(ctx.target(), '/api/v1/events', { promotion: id }, () => {
    dirty = true;
    wake.fn();
  }, abort.signal).catch((e: Error) => {
    if (!abort.signal.aborted) ctx.io.err(`flotilla: event stream unavailable (${e.message}); reading the promotion every ${pollMs / 1000}s\n`);
  });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  try {
    for (;;) {
      dirty = false;
      const p = ((await ctx.call({ method: 'GET', path: `/api/v1/promotions/${encodeURIComponent(id)}` })) as { promotion: Promotion }).promotion;
      const line = progressLine(p);
      if (line !== last) onLine(line);
      last = line;
      if (isTerminal(p.state)) return p;
      const left = deadline - Date.now();
      if (left <= 0) throw new Outcome(exitCodes.timeout, `timed out after ${timeoutText} waiting for promotion ${id} (${p.state}); it goes on running: flotilla describe promotion ${id}`);
      if (ctx.io.signal?.aborted) throw new Outcome(exitCodes.failed, `interrupted; promotion ${id} goes on running`);
      if (!dirty) await pause(Math.min(pollMs, left), [ctx.io.signal], wake);
    }
  } finally {
    abort.abort();
    await stream;
  }
}

export const promoteCommand: CommandSpec = {
  words: ['promote'],
  args: ['APP', 'COMMIT?'],
  usage: '(COMMIT|--ref REF)',
  summary: 'Promote a commit of an application into a stage; --wait follows it to its end',
  options: {
    ref: { type: 'string', help: 'REF  a branch or tag the hub resolves to a commit' },
    stage: { type: 'string', help: 'S  the stage to enter (default: the first)' },
    force: { type: 'boolean', help: 'enter the stage although upstream stages have not succeeded with it (admin)' },
    wait: { type: 'boolean', help: 'show live progress and exit with the outcome' },
    timeout: { type: 'string', help: 'D  how long --wait waits (default 30m)' },
  },
  run: async (inv, ctx) => {
    const app = arg(inv, 'APP');
    const commit = inv.args['COMMIT'];
    const ref = str(inv, 'ref');
    if ((commit === undefined) === (ref === undefined)) throw new UsageError('promote needs a COMMIT or --ref REF (one of them)');
    const timeoutText = str(inv, 'timeout') ?? '30m';
    const timeoutMs = parseDuration(timeoutText, '--timeout');
    const body = defined({ app, commit, ref, stage: str(inv, 'stage'), force: flag(inv, 'force') ? true : undefined });
    const created = ((await ctx.call({ method: 'POST', path: '/api/v1/promotions', body })) as { promotion: Promotion }).promotion;
    // Progress is for people: on stdout for tables, on stderr when stdout carries JSON or YAML.
    const progress = (line: string) => (ctx.format === 'table' ? ctx.io.out(line) : ctx.io.err(line));
    progress(`promotion/${created.id} created: ${created.app} ${short(created.commit)} into ${created.stage}\n`);
    if (!flag(inv, 'wait')) {
      if (ctx.format !== 'table') ctx.print(created);
      return exitCodes.ok;
    }
    const final = await waitForPromotion(ctx, created.id, timeoutMs, timeoutText, (line) => progress(`${line}\n`));
    if (ctx.format !== 'table') ctx.print(final);
    if (final.state === 'Succeeded') return exitCodes.ok;
    throw new Outcome(exitCodes.failed, `promotion ${final.id} ended ${final.state}: ${final.message}`);
  },
};

export const eventsCommand: CommandSpec = {
  words: ['events'],
  args: [],
  summary: 'Follow events (one line each) until interrupted; reconnects where it left off',
  options: {
    app: { type: 'string', help: 'A  only this application' },
    promotion: { type: 'string', help: 'ID  only this promotion' },
    after: { type: 'string', help: 'SEQ  start after this sequence number (default: from the first)' },
  },
  run: async (inv, ctx) => {
    const target = ctx.target();
    const signal = ctx.io.signal ?? new AbortController().signal;
    let after = int(inv, 'after');
    let opened = false;
    for (;;) {
      const query = defined({ app: str(inv, 'app'), promotion: str(inv, 'promotion'), after });
      try {
        await follow(
          target,
          '/api/v1/events',
          query,
          (e) => {
            const data = (e.data ?? {}) as Record<string, unknown>;
            if (typeof data['seq'] === 'number') after = data['seq'];
            if (ctx.format === 'json') ctx.io.out(`${JSON.stringify(data)}\n`);
            else if (ctx.format === 'yaml') ctx.io.out(`---\n${serialize(data, 'yaml')}`);
            else ctx.io.out(eventLine(data));
          },
          signal,
          () => (opened = true),
        );
      } catch (e) {
        // A hub that refuses or cannot be reached at first is an error; a stream that breaks later is resumed.
        if (!opened) throw e;
        ctx.io.err(`flotilla: event stream broke (${(e as Error).message}); reconnecting after ${after ?? 0}\n`);
      }
      if (signal.aborted) return exitCodes.ok;
      await pause(1000, [signal], { fn: () => {} });
      if (signal.aborted) return exitCodes.ok;
    }
  },
};
