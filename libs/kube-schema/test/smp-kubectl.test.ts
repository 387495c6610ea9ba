// Differential test: every strategic merge patch case gives what `kubectl patch --local` (apimachinery's own
// strategicpatch, on the Go types) gives.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategicMergePatch } from '../src/index.js';
import { canonical, pick } from './canonical.js';
import { deployment, smpCases } from './smp-cases.js';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`kubectl not found at ${KUBECTL}: skipping the strategic merge patch differential test`);

describe.skipIf(!hasKubectl)('strategic merge patch against kubectl patch --local', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-schema-smp-'));
    file = join(dir, 'deployment.json');
    await writeFile(file, JSON.stringify(deployment));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(smpCases)('$name', async ({ patch, path }) => {
    const { stdout } = await promisify(execFile)(
      KUBECTL,
      ['patch', '--local', '-f', file, '--type', 'strategic', '-o', 'json', '-p', JSON.stringify(patch)],
      { env: { ...process.env, KUBECONFIG: join(dir, 'none') } },
    );
    const ours = strategicMergePatch(deployment, patch, { group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(ours.ok).toBe(true);
    if (ours.ok) expect(canonical(pick(ours.value, path))).toEqual(canonical(pick(JSON.parse(stdout), path)));
  });
});
