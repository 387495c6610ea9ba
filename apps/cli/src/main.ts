// The `flotilla` process: runs the command line against the real stdio, env and SIGINT, and sets the exit code.
import { main } from './cli.js';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

const code = await main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  signal: interrupt.signal,
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
});
process.exitCode = code;
// A following command (events) may leave the SIGINT listener as the only handle: nothing else keeps the process.
process.removeAllListeners('SIGINT');
