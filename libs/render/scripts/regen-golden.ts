// Regenerates test/golden/<feature>.yaml from `kubectl kustomize` (the oracle) for every fixture under test/fixtures/.
// A fixture may hold fixture.json {"app": "<path inside the fixture>"} when the kustomization is not at its root.
// Run: npx tsx scripts/regen-golden.ts
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, goldenDir, listFixtures } from '../test/fixtures.js';

for (const f of listFixtures()) {
  const out = execFileSync('kubectl', ['kustomize', join(fixtureDir, f.name, f.app)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  writeFileSync(join(goldenDir, `${f.name}.yaml`), out);
  console.log(`wrote test/golden/${f.name}.yaml`);
}
