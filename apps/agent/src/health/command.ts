// `flotilla-agent health -f object.yaml`: the built-in health of every object in YAML files, one JSON line each, judged
// by the same rules the agent reports with (workloads with the pods of the same files). I/O is injected.
import { parseAllDocuments } from 'yaml';
import { assessSet } from './index.js';
import type { CustomHealthRule } from './custom.js';
import type { LiveObject } from './types.js';
import { str } from './fields.js';

export interface HealthCommandIo {
  readFile(path: string): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

const usage = [
  'usage: flotilla-agent health -f <file.yaml> [-f <file.yaml> ...] [--rule <Kind>=<CEL expression> ...]',
  '  -f -     reads standard input',
  "  --rule   an application health rule, e.g. --rule \"example.com/Widget=object.status.ready ? 'Healthy' : 'Progressing'\"",
].join('\n');

function isObject(value: unknown): value is LiveObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects of one YAML text: documents, and the items of `kind: List` documents; errors name the file and document. */
export function objectsOf(text: string, source: string): { objects: LiveObject[]; errors: string[] } {
  const objects: LiveObject[] = [];
  const errors: string[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      errors.push(`${source}: document ${index + 1}: ${doc.errors[0]!.message}`);
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isObject(value) || typeof value['kind'] !== 'string') {
      errors.push(`${source}: document ${index + 1}: not a Kubernetes object (no kind)`);
      return;
    }
    const items = value['kind'].endsWith('List') && Array.isArray(value['items']) ? (value['items'] as unknown[]) : [value];
    items.forEach((item, i) => (isObject(item) ? objects.push(item) : errors.push(`${source}: document ${index + 1}: items[${i}] is not an object`)));
  });
  return { objects, errors };
}

/** Runs the command; returns the process exit code (0 all printed, 1 a file could not be read or parsed, 2 usage). */
export async function healthCommand(args: readonly string[], io: HealthCommandIo): Promise<number> {
  const files: string[] = [];
  const rules: CustomHealthRule[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') {
      io.out(usage);
      return 0;
    }
    if (arg === '-f' || arg === '--filename') {
      const file = args[++i];
      if (file === undefined) {
        io.err(`${arg} needs a file name\n${usage}`);
        return 2;
      }
      files.push(file);
    } else if (arg.startsWith('--filename=')) files.push(arg.slice('--filename='.length));
    else if (arg === '--rule') {
      const spec = args[++i] ?? '';
      const equals = spec.indexOf('=');
      if (equals <= 0 || equals === spec.length - 1) {
        io.err(`--rule needs <Kind>=<CEL expression>, got ${JSON.stringify(spec)}\n${usage}`);
        return 2;
      }
      rules.push({ kind: spec.slice(0, equals), expression: spec.slice(equals + 1) });
    }
    else {
      io.err(`unknown argument ${JSON.stringify(arg)}\n${usage}`);
      return 2;
    }
  }
  if (files.length === 0) {
    io.err(usage);
    return 2;
  }
  let failed = false;
  const objects: LiveObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (error) {
      io.err(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
      failed = true;
      continue;
    }
    const parsed = objectsOf(text, file === '-' ? 'standard input' : file);
    for (const e of parsed.errors) io.err(e);
    failed ||= parsed.errors.length > 0;
    objects.push(...parsed.objects);
  }
  assessSet(objects, rules).forEach((health, i) => {
    const object = objects[i]!;
    io.out(JSON.stringify({ kind: str(object, 'kind') ?? '', name: str(object, 'metadata', 'name') ?? '', status: health.status, message: health.message }));
  });
  return failed ? 1 : 0;
}
