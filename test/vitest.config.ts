import { defineProject } from 'vitest/config';

export default defineProject({
  test: { include: ['**/*.test.ts'], exclude: ['**/node_modules/**'], testTimeout: 120_000, hookTimeout: 60_000 },
});
