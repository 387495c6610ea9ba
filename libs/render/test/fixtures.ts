// The golden fixtures: one directory per kustomize feature, its expected output in test/golden/<name>.yaml.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const fixtureDir = join(here, 'fixtures');
export const goldenDir = join(here, 'golden');

export interface Fixture {
  name: string;
  app: string;
}

export function listFixtures(): Fixture[] {
  return readdirSync(fixtureDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const cfg = join(fixtureDir, name, 'fixture.json');
      const app = existsSync(cfg) ? (JSON.parse(readFileSync(cfg, 'utf8')) as { app: string }).app : '';
      return { name, app };
    });
}
