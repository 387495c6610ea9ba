// Parses untrusted YAML (or JSON) text into JSON values the way kustomize's go-yaml v3 decoder sees them,
// with aliases expanded under a budget and every document tagged with its line.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { RenderError } from '../errors.js';
import type { JsonObject, JsonValue } from '../types.js';
import { setOwn } from '../objects.js';
import { recordKeyLine, recordNonStringKey, recordPosition } from './positions.js';
import { resolvePlainV2, resolvePlainV3 } from './scalars.js';

export interface DecodedDocument {
  value: JsonValue;
  /** 1-based line where the document's content starts. */
  line: number;
  /** 0-based index of the document in its file (counting empty ones, as a reader would count `---`). */
  index: number;
}

const STR = 'tag:yaml.org,2002:str';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const BOOL = 'tag:yaml.org,2002:bool';
const NULL = 'tag:yaml.org,2002:null';

export interface DecodeOptions {
  /** go-yaml v2 (YAML 1.1) scalar rules instead of v3: how kustomize reads JSON 6902 patches. */
  yaml11?: boolean;
  /** Bytes of scalar text that aliases may expand to per document (a 1 MB scalar aliased 2,000 times is 2 GB). */
  maxAliasBytes?: number;
  /** A repeated mapping key keeps its last value (go-yaml v2 into a map, how kustomize reads its kustomization file). */
  lastKeyWins?: boolean;
}

export const defaultMaxAliasBytes = 16 * 1024 * 1024;

class Walker {
  private expanded = 0;
  private expandedBytes = 0;
  private readonly maxAliasBytes: number;
  private readonly active = new Set<YamlNode>();
  private readonly resolve: (s: string) => null | boolean | number | bigint | string;
  private readonly lastKeyWins: boolean;

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly maxAliasNodes: number,
    options: DecodeOptions,
  ) {
    this.resolve = options.yaml11 === true ? resolvePlainV2 : resolvePlainV3;
    this.lastKeyWins = options.lastKeyWins === true;
    this.maxAliasBytes = options.maxAliasBytes ?? defaultMaxAliasBytes;
  }

  private countAliasBytes(text: string | undefined, node: unknown): void {
    this.expandedBytes += text?.length ?? 0;
    if (this.expandedBytes > this.maxAliasBytes) {
      throw new RenderError('ResourceExhausted', `YAML aliases expand to more than ${this.maxAliasBytes} bytes of text (limit maxAliasBytes)`, {
        file: this.file,
        line: this.lineOf(node as YamlNode),
      });
    }
  }

  lineOf(node: { range?: [number, number, number] | null } | null | undefined): number | undefined {
    const r = node?.range;
    return r ? this.lines.linePos(r[0]).line : undefined;
  }

  value(node: unknown, inAlias: boolean): JsonValue {
    if (inAlias && ++this.expanded > this.maxAliasNodes) {
      throw new RenderError('ResourceExhausted', `YAML aliases expand to more than ${this.maxAliasNodes} nodes (limit maxAliasExpansions)`, {
        file: this.file,
        line: this.lineOf(node as YamlNode),
      });
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (target === undefined) throw new RenderError('InvalidArgument', `unknown alias *${node.source}`, { file: this.file, line: this.lineOf(node) });
      if (this.active.has(target)) throw new RenderError('InvalidArgument', `recursive alias *${node.source}`, { file: this.file, line: this.lineOf(node) });
      this.active.add(target);
      try {
        return this.value(target, true);
      } finally {
        this.active.delete(target);
      }
    }
    if (isScalar(node)) {
      if (inAlias) this.countAliasBytes(node.source ?? String(node.value ?? ''), node);
      return this.scalar(node.value, node.type, node.tag, node.source, node);
    }
    if (isSeq(node)) {
      const out = node.items.map((item) => this.value(item, inAlias));
      node.items.forEach((item, i) => this.record(out, i, item, node));
      return out;
    }
    if (isMap(node)) {
      const out: JsonObject = {};
      const merges: JsonValue[] = [];
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.type === 'PLAIN' && key.source === '<<' && !key.tag) {
          merges.push(this.value(pair.value, inAlias));
          continue;
        }
        const k = this.keyString(key, inAlias);
        if (Object.prototype.hasOwnProperty.call(out, k) && !this.lastKeyWins) {
          throw new RenderError('InvalidArgument', `mapping key "${k}" already defined`, { file: this.file, line: this.lineOf(key as YamlNode) });
        }
        if (isScalar(key) && key.type === 'PLAIN' && !key.tag && typeof this.resolve(k) !== 'string') recordNonStringKey(out, k);
        setOwn(out, k, this.value(pair.value, inAlias));
        this.record(out, k, pair.value ?? key, node);
        const keyLine = this.lineOf(key as YamlNode);
        if (keyLine !== undefined) recordKeyLine(out, k, keyLine);
      }
      for (const m of merges) {
        for (const src of Array.isArray(m) ? m : [m]) {
          if (src === null || typeof src !== 'object' || Array.isArray(src)) {
            throw new RenderError('InvalidArgument', 'map merge requires a map or a sequence of maps as the value', { file: this.file, line: this.lineOf(node) });
          }
          for (const [k, v] of Object.entries(src)) if (!Object.prototype.hasOwnProperty.call(out, k)) setOwn(out, k, v);
        }
      }
      return out;
    }
    throw new RenderError('InvalidArgument', 'unsupported YAML node', { file: this.file, line: this.lineOf(node as YamlNode) });
  }

  private record(container: object, key: string | number, child: unknown, parent: YamlNode): void {
    const line = this.lineOf(child as YamlNode) ?? this.lineOf(parent);
    if (line !== undefined) recordPosition(container, key, { file: this.file, line });
  }

  keyString(key: unknown, inAlias: boolean): string {
    if (isScalar(key)) {
      const text = key.source ?? String(key.value);
      if (inAlias) this.countAliasBytes(text, key);
      return text;
    }
    const v = this.value(key, inAlias);
    if (v === null || typeof v === 'object') {
      throw new RenderError('InvalidArgument', 'mapping keys must be scalars', { file: this.file, line: this.lineOf(key as YamlNode) });
    }
    return String(v);
  }

  scalar(value: unknown, type: string | undefined, tag: string | undefined, source: string | undefined, node: YamlNode): JsonValue {
    const text = source ?? (value === null || value === undefined ? '' : String(value));
    if (tag === STR) return text;
    const plain = type === 'PLAIN' || type === undefined;
    if (tag === INT || tag === FLOAT || tag === BOOL || tag === NULL) {
      const v = this.resolve(text);
      if (typeof v === 'string') throw new RenderError('InvalidArgument', `cannot decode "${text}" as ${tag.slice(18)}`, { file: this.file, line: this.lineOf(node) });
      return v;
    }
    if (tag !== undefined && tag !== null && tag !== '') return text;
    if (!plain) return text;
    const v = this.resolve(text);
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new RenderError('InvalidArgument', `"${text}" is not representable in JSON`, { file: this.file, line: this.lineOf(node) });
    }
    return v;
  }
}

/** Every non-empty document of a YAML/JSON file. Throws RenderError naming the file and line on bad input. */
export function decodeDocuments(text: string, file: string, maxAliasNodes: number, options: DecodeOptions = {}): DecodedDocument[] {
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    // uniqueKeys off: yaml compares every key with every other (quadratic); the walker finds duplicates in one pass.
    docs = parseAllDocuments(text, { schema: 'failsafe', lineCounter: lines, uniqueKeys: false, prettyErrors: false, strict: false }) as Document.Parsed[];
  } catch (e) {
    throw new RenderError('InvalidArgument', `cannot parse YAML: ${(e as Error).message}`, { file });
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  const out: DecodedDocument[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err !== undefined) {
      const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
      throw new RenderError('InvalidArgument', `cannot parse YAML: ${err.message.split('\n')[0]}`, { file, line });
    }
    const walker = new Walker(doc, file, lines, maxAliasNodes, options);
    if (doc.contents === null) return;
    const value = walker.value(doc.contents, false);
    if (value === null) return;
    keepAnnotationText(doc.contents, value);
    out.push({ value, line: walker.lineOf(doc.contents as YamlNode) ?? 1, index });
  });
  return out;
}

/**
 * kustomize reads annotations back as map[string]string, so every annotation value leaves as the text it was written
 * with ("1.50", "yes", "0x1F"), never as a number or boolean. Objects of List kinds are handled item by item.
 */
function keepAnnotationText(node: unknown, value: JsonValue): void {
  if (!isMap(node) || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const metadata = node.get('metadata', true);
  const md = value.metadata;
  if (isMap(metadata) && md !== null && typeof md === 'object' && !Array.isArray(md)) {
    const ann = metadata.get('annotations', true);
    const out = md.annotations;
    if (isMap(ann) && out !== null && typeof out === 'object' && !Array.isArray(out)) {
      for (const pair of ann.items) {
        const k = isScalar(pair.key) ? (pair.key.source ?? String(pair.key.value)) : undefined;
        if (k === undefined || !isScalar(pair.value) || !Object.prototype.hasOwnProperty.call(out, k)) continue;
        if (typeof out[k] !== 'string' && out[k] !== null) setOwn(out, k, pair.value.source ?? String(pair.value.value));
      }
    }
  }
  const items = node.get('items', true);
  const outItems = value.items;
  if (isSeq(items) && Array.isArray(outItems)) items.items.forEach((item, i) => keepAnnotationText(item, outItems[i] as JsonValue));
}
