// RFC 6902 JSON Patch over JSON values (add, remove, replace, move, copy, test), with errors naming the operation.
import { RenderError } from '../errors.js';
import { deepClone, isObject, setOwn, valueKey } from '../objects.js';
import type { JsonObject, JsonValue } from '../types.js';

export interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

function tokens(pointer: string, file: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new RenderError('InvalidArgument', `JSON pointer "${pointer}" must start with "/"`, { file });
  return pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: JsonValue, toks: string[], file: string, pointer: string): { parent: JsonValue; last: string } {
  let cur: JsonValue = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)] as JsonValue;
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t] as JsonValue;
    else throw new RenderError('InvalidArgument', `JSON patch path "${pointer}" does not exist`, { file });
    if (cur === undefined) throw new RenderError('InvalidArgument', `JSON patch path "${pointer}" does not exist`, { file });
  }
  return { parent: cur, last: toks[toks.length - 1] as string };
}

function get(doc: JsonValue, pointer: string, file: string): JsonValue {
  let cur: JsonValue | undefined = doc;
  for (const t of tokens(pointer, file)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    else cur = undefined;
    if (cur === undefined) throw new RenderError('InvalidArgument', `JSON patch path "${pointer}" does not exist`, { file });
  }
  return cur as JsonValue;
}

function index(arr: JsonValue[], t: string, allowEnd: boolean, file: string, pointer: string): number {
  if (t === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(t)) throw new RenderError('InvalidArgument', `JSON patch path "${pointer}": "${t}" is not an array index`, { file });
  const i = Number(t);
  if (i > arr.length || (!allowEnd && i === arr.length)) throw new RenderError('InvalidArgument', `JSON patch path "${pointer}": index ${i} is out of range`, { file });
  return i;
}

function add(doc: JsonValue, pointer: string, value: JsonValue, file: string): JsonValue {
  const toks = tokens(pointer, file);
  if (toks.length === 0) return value;
  const { parent, last } = parentOf(doc, toks, file, pointer);
  if (Array.isArray(parent)) parent.splice(index(parent, last, true, file, pointer), 0, value);
  else if (isObject(parent)) setOwn(parent, last, value);
  else throw new RenderError('InvalidArgument', `JSON patch path "${pointer}" does not exist`, { file });
  return doc;
}

function remove(doc: JsonValue, pointer: string, file: string): JsonValue {
  const toks = tokens(pointer, file);
  const { parent, last } = parentOf(doc, toks, file, pointer);
  if (Array.isArray(parent)) parent.splice(index(parent, last, false, file, pointer), 1);
  else if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, last)) delete (parent as JsonObject)[last];
  else throw new RenderError('InvalidArgument', `JSON patch remove: path "${pointer}" does not exist`, { file });
  return doc;
}

/** `lines[i]` is where operation i was written, for its errors. */
export function applyJsonPatch(target: JsonObject, ops: Operation[], file: string, lines: readonly (number | undefined)[] = []): JsonObject {
  let doc: JsonValue = deepClone(target);
  ops.forEach((o, i) => {
    const where = `operation ${i} (${o.op} ${o.path})`;
    try {
      switch (o.op) {
        case 'add':
          doc = add(doc, o.path, deepClone(o.value ?? null), file);
          break;
        case 'remove':
          doc = remove(doc, o.path, file);
          break;
        case 'replace':
          get(doc, o.path, file);
          doc = remove(doc, o.path, file);
          doc = add(doc, o.path, deepClone(o.value ?? null), file);
          break;
        case 'move': {
          const v = get(doc, o.from ?? '', file);
          doc = remove(doc, o.from ?? '', file);
          doc = add(doc, o.path, v, file);
          break;
        }
        case 'copy':
          doc = add(doc, o.path, deepClone(get(doc, o.from ?? '', file)), file);
          break;
        case 'test':
          if (valueKey(get(doc, o.path, file)) !== valueKey(o.value ?? null)) {
            throw new RenderError('FailedPrecondition', `test failed`, { file });
          }
          break;
        default:
          throw new RenderError('InvalidArgument', `unknown op "${o.op}"`, { file });
      }
    } catch (e) {
      if (e instanceof RenderError) throw new RenderError(e.code, `JSON patch ${where}: ${e.message.replace(`${file}: `, '')}`, { file, line: lines[i] });
      throw e;
    }
  });
  if (!isObject(doc)) throw new RenderError('InvalidArgument', 'JSON patch must leave an object', { file });
  return doc;
}
