// One lint configuration for the workspace; import rules keep the architecture honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/gen/**', '**/.nx/**', '**/fixtures/**', '**/testdata/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Libraries never import applications; applications never import each other.
    files: ['libs/**/*.ts'],
    // The fleet simulator's own tests drive a real hub; its src/ never imports an app.
    ignores: ['libs/fleet-sim/test/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@flotilla/hub', '@flotilla/agent', '@flotilla/cli', '**/apps/**'], message: 'libs must not import apps' }] }] },
  },
  {
    // The rollout planner and the health rules are pure: no I/O, no clock, no store.
    files: ['apps/hub/src/rollout/planner/**/*.ts', 'apps/agent/src/health/**/*.ts', 'libs/render/src/**/*.ts'],
    // src/io/ is the renderer's one I/O edge (reading a directory, running an external kustomize).
    ignores: ['**/*.test.ts', 'libs/render/src/io/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'http', 'https', 'pg', 'drizzle-orm*', '@grpc/*', '**/store/**'], message: 'pure module: take data and an injected clock, do no I/O' }] }],
    },
  },
);
