// Developer aid: renders a directory with the built-in engine and with `kubectl kustomize`, and prints a diff if they differ.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { render, readTreeFromDirectory } from '../src/index.js';

import { join } from 'node:path';

const root = process.argv[2] ?? '.';
const app = process.argv[3] ?? '';
const tree = await readTreeFromDirectory(root);
const ours = render(tree, app).yaml;
const theirs = execFileSync('kubectl', ['kustomize', join(root, app)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (ours === theirs) {
  console.log('IDENTICAL');
} else {
  writeFileSync('/tmp/ours.yaml', ours);
  writeFileSync('/tmp/theirs.yaml', theirs);
  try {
    execFileSync('diff', ['-u', '/tmp/theirs.yaml', '/tmp/ours.yaml'], { stdio: 'inherit' });
  } catch (_e) {
    process.exitCode = 1;
  }
}
