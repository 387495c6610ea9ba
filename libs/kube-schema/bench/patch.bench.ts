// Benchmark (not a test): strategic merge patch of a Deployment, reported as a ratio to a JSON merge patch of the same
// documents measured in the same run, plus the one-time cost of the OpenAPI documents.
import { deployment, smpCases } from '../test/smp-cases.js';
import { jsonMergePatch, openApiV2Document, openApiV2Protobuf, openApiV3Index, strategicMergePatch } from '../src/index.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' } as const;

function perSecond(run: () => void, ms = 1000): number {
  for (let i = 0; i < 200; i++) run();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    run();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

function once(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const patches = smpCases.map((c) => c.patch);
let i = 0;
const smp = perSecond(() => void strategicMergePatch(deployment, patches[i++ % patches.length]!, DEPLOYMENT));
const merge = perSecond(() => void jsonMergePatch(deployment, patches[i++ % patches.length]!));
console.log(`strategic merge patch: ${smp.toFixed(0)}/s, ${(merge / smp).toFixed(2)}x the cost of a JSON merge patch (${merge.toFixed(0)}/s)`);
console.log(`first OpenAPI v3 index (builds every group-version document): ${once(() => openApiV3Index()).toFixed(0)} ms`);
console.log(`OpenAPI v2 protobuf encoding: ${once(() => openApiV2Protobuf(openApiV2Document())).toFixed(0)} ms`);
