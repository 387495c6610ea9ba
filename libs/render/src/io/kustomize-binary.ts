// The opt-in external engine: writes the tree to a private temp dir and runs a real `kustomize build` (for helmCharts
// and KRM plugins), behind the same result type as the built-in engine. This module does I/O; the built-in stays default.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RenderError } from '../errors.js';
import { refuseRemoteReferences } from '../kustomize/remote-refs.js';
import { objectsFromText } from '../objects.js';
import { substituteParams } from '../params/substitute.js';
import { normalizeRelative } from '../tree/paths.js';
import { TreeReader } from '../tree/reader.js';
import { defaultLimits } from '../types.js';
import type { FileTree, KubeObject, RenderLimits, RenderParams, RenderResult } from '../types.js';
import { emitStream } from '../yaml/emit.js';

export interface KustomizeBinaryOptions {
  /** The command and its leading arguments: ["kubectl", "kustomize"] (default) or ["/usr/local/bin/kustomize", "build"]. */
  command?: readonly string[];
  /** Kill the build after this long (default 60 s). */
  timeoutMs?: number;
  /** Pass --enable-helm (helmCharts) to the binary. */
  enableHelm?: boolean;
  /** Pass --enable-alpha-plugins (KRM function plugins) to the binary. */
  enablePlugins?: boolean;
  /** Largest output accepted from the binary (default 64 MiB). */
  maxOutputBytes?: number;
  /** Remote sources (URL prefixes: bases, helm chart repositories) the binary may fetch; every other one is refused. */
  allowRemote?: readonly string[];
}

/**
 * Every path the tree holds, checked: symlinks must resolve inside the root before the binary ever sees them, and the
 * whole tree (which is written out for it) must fit the file and byte limits.
 */
function checkTree(tree: FileTree, limits: RenderLimits): TreeReader {
  const entries = tree.files.size + (tree.symlinks?.size ?? 0);
  if (entries > limits.maxFiles) {
    throw new RenderError('ResourceExhausted', `the tree holds ${entries} files, more than ${limits.maxFiles} (limit maxFiles)`, { file: '.' });
  }
  let bytes = 0;
  for (const [path, data] of tree.files) {
    bytes += data.byteLength;
    if (bytes > limits.maxTotalBytes) throw new RenderError('ResourceExhausted', `more than ${limits.maxTotalBytes} bytes in the tree (limit maxTotalBytes)`, { file: path });
  }
  const reader = new TreeReader(tree, limits);
  for (const path of [...tree.files.keys(), ...(tree.symlinks?.keys() ?? [])]) {
    if (normalizeRelative(path, path) !== path) throw new RenderError('InvalidArgument', `tree path "${path}" is not a normalized relative path`, { file: path });
  }
  for (const link of tree.symlinks?.keys() ?? []) reader.resolve(link, link);
  return reader;
}

async function writeTree(tree: FileTree, root: string): Promise<void> {
  for (const [path, data] of tree.files) {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, data);
  }
  for (const [path, target] of tree.symlinks ?? []) {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    await symlink(target, abs);
  }
}

function run(cmd: readonly string[], args: string[], timeoutMs: number, maxBuffer: number): Promise<string> {
  const [file, ...lead] = cmd;
  if (file === undefined) throw new RenderError('InvalidArgument', 'the kustomize command is empty');
  return new Promise((resolve, reject) => {
    execFile(file, [...lead, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') return reject(new RenderError('FailedPrecondition', `external kustomize engine: "${file}" is not installed`));
      if (e.killed === true) return reject(new RenderError('ResourceExhausted', `external kustomize engine: build did not finish within ${timeoutMs} ms`));
      if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new RenderError('ResourceExhausted', `external kustomize engine: output larger than ${maxBuffer} bytes`));
      reject(new RenderError('InvalidArgument', `external kustomize engine: ${stderr.trim().split('\n').slice(-3).join(' ') || e.message}`));
    });
  });
}

/** Renders with a real kustomize binary; output objects and bytes follow the same rules as the built-in engine. */
export async function renderWithKustomizeBinary(
  tree: FileTree,
  appPath: string,
  params: RenderParams = {},
  options: KustomizeBinaryOptions = {},
  limits: Partial<RenderLimits> = {},
): Promise<RenderResult> {
  const lim: RenderLimits = { ...defaultLimits, ...limits };
  const reader = checkTree(tree, lim);
  const app = normalizeRelative(appPath, 'appPath');
  if (!reader.isDir(app)) throw new RenderError('NotFound', `app path "${appPath}" is not a directory in the repository`, { file: appPath });
  refuseRemoteReferences(reader, app, lim.maxAliasExpansions, options.allowRemote ?? []);
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-kustomize-'));
  try {
    const root = join(dir, 'repo');
    await mkdir(root);
    await writeTree(tree, root);
    const args = [join(root, reader.resolve(app, appPath))];
    if (options.enableHelm === true) args.push('--enable-helm');
    if (options.enablePlugins === true) args.push('--enable-alpha-plugins');
    const out = await run(options.command ?? ['kubectl', 'kustomize'], args, options.timeoutMs ?? 60_000, options.maxOutputBytes ?? 64 * 1024 * 1024);
    const loaded = objectsFromText(out, `${app || '.'} (kustomize output)`, lim.maxAliasExpansions);
    if (loaded.length > lim.maxObjects) {
      throw new RenderError('ResourceExhausted', `the build produced ${loaded.length} objects (limit maxObjects ${lim.maxObjects})`, { file: app || '.' });
    }
    const objects: KubeObject[] = loaded.map((l) => substituteParams(l.object, params, { file: app || '.', line: l.origin.line }));
    return { objects, yaml: emitStream(objects) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
