// Developer aid: random kustomize trees rendered by the built-in engine and by `kubectl kustomize`; prints the agreement
// rate (identical output, or both reject) and the first differences found.
// Run: npx tsx scripts/fuzz-differential.ts [runs] [seed] [chains|layers] [shown differences]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { scenario, scenarioFiles } from '../test/random-kustomize.js';
import { chain, chainFiles } from '../test/random-chains.js';
import { RenderError, render } from '../src/index.js';
import type { FileTree } from '../src/index.js';

const runs = Number(process.argv[2] ?? 30);
const seed = Number(process.argv[3] ?? Date.now() % 100000);
const kind = process.argv[4] ?? 'chains';
const show = Number(process.argv[5] ?? 1);
const cases: { files: Record<string, string>; app: string }[] =
  kind === 'layers' ? fc.sample(scenario, { numRuns: runs, seed }).map(scenarioFiles) : fc.sample(chain, { numRuns: runs, seed }).map(chainFiles);
let same = 0;
let bothFail = 0;
let shown = 0;
for (const [i, { files, app: top }] of cases.entries()) {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  let theirs: string | Error;
  try {
    theirs = execFileSync('kubectl', ['kustomize', join(dir, top)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    theirs = new Error(String((e as { stderr?: string }).stderr ?? e).split('\n').filter((l) => !l.startsWith('# Warning')).join('\n').slice(0, 600));
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
    if (process.env.VERBOSE) console.log(`both reject: kustomize: ${theirs.message.replace(/^.*err="/, '').slice(0, 400)} | ours: ${ours.message.slice(0, 150)}`);
  } else if (shown++ < show) {
    console.log(`--- case ${i} (seed ${seed}) differs`);
    for (const [p, t] of Object.entries(files)) console.log(`# ${p}\n${t}`);
    writeFileSync('/tmp/fuzz-theirs.yaml', theirs instanceof Error ? theirs.message : theirs);
    writeFileSync('/tmp/fuzz-ours.yaml', ours instanceof Error ? ours.message : ours);
    try {
      execFileSync('diff', ['-u', '/tmp/fuzz-theirs.yaml', '/tmp/fuzz-ours.yaml'], { stdio: 'inherit' });
    } catch (_e) {
      /* diff exits 1 on differences */
    }
  }
}
const agree = same + bothFail;
console.log(`${kind}: ${agree}/${runs} agree (${((100 * agree) / runs).toFixed(1)}%): ${same} identical, ${bothFail} rejected by both (seed ${seed})`);
process.exitCode = agree === runs ? 0 : 1;
