// Developer aid: random kustomize trees rendered by both engines; prints the first difference found.
// Run: npx tsx scripts/fuzz-differential.ts [runs] [seed]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { scenario, scenarioFiles } from '../test/random-kustomize.js';
import { RenderError, render } from '../src/index.js';
import type { FileTree } from '../src/index.js';

const runs = Number(process.argv[2] ?? 30);
const seed = Number(process.argv[3] ?? Date.now() % 100000);
const samples = fc.sample(scenario, { numRuns: runs, seed });
let same = 0;
let bothFail = 0;
for (const [i, s] of samples.entries()) {
  const { files, app: top } = scenarioFiles(s);
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  let theirs: string | Error;
  try {
    theirs = execFileSync('kubectl', ['kustomize', join(dir, top)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    theirs = new Error(String((e as { stderr?: string }).stderr ?? e).split("\n").filter((l) => !l.startsWith("# Warning")).join("\n").slice(0, 600));
  }
  const tree: FileTree = { files: new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)])) };
  let ours: string | Error;
  try {
    ours = render(tree, top).yaml;
  } catch (e) {
    ours = e instanceof RenderError ? e : new Error(`CRASH ${String(e)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  if (typeof theirs === 'string' && theirs === ours) same++;
  else if (theirs instanceof Error && ours instanceof RenderError) {
    bothFail++;
    if (process.env.VERBOSE) console.log(`both reject: kustomize: ${theirs.message.replace(/^.*err="/, '').slice(0, 90)} | ours: ${ours.message.slice(0, 90)}`);
  }
  else {
    console.log(`--- run ${i} (seed ${seed}) differs`);
    for (const [p, t] of Object.entries(files)) console.log(`# ${p}\n${t}`);
    writeFileSync('/tmp/fuzz-theirs.yaml', theirs instanceof Error ? theirs.message : theirs);
    writeFileSync('/tmp/fuzz-ours.yaml', ours instanceof Error ? ours.message : ours);
    try {
      execFileSync('diff', ['-u', '/tmp/fuzz-theirs.yaml', '/tmp/fuzz-ours.yaml'], { stdio: 'inherit' });
    } catch (_e) {
      /* diff exits 1 on differences */
    }
    process.exit(1);
  }
}
console.log(`${same} identical, ${bothFail} rejected by both, out of ${runs} (seed ${seed})`);
