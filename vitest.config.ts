import { defineConfig } from 'vitest/config';

// `npx vitest run` at the root runs every project; `npm test` runs them through Nx, one project at a time per target.
export default defineConfig({
  test: { projects: ['libs/*', 'apps/*', 'test'] },
});
