#!/usr/bin/env node
// Bundles a package entry point into one ESM file (apps: for container images; libs: a publishable build). The
// workspace's own TypeScript packages are compiled in; third-party packages stay external (`npm ci --omit=dev`).
// Usage: node scripts/bundle.mjs <entry.ts> <outfile.mjs> [--copy <dir> <dest>]...
import { cp } from 'node:fs/promises';
import { build } from 'esbuild';

const [entry, outfile, ...rest] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: bundle.mjs <entry.ts> <outfile.mjs> [--copy <dir> <dest>]...');
  process.exit(2);
}

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __flotillaRequire } from 'node:module'; const require = __flotillaRequire(import.meta.url);" },
  plugins: [
    {
      name: 'third-party-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@flotilla/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});

for (let i = 0; i < rest.length; i += 3) {
  if (rest[i] !== '--copy' || !rest[i + 1] || !rest[i + 2]) {
    console.error(`bundle.mjs: expected --copy <dir> <dest> at argument ${i + 3}`);
    process.exit(2);
  }
  await cp(rest[i + 1], rest[i + 2], { recursive: true });
}
