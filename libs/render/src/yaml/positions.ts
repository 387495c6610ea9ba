// Where each decoded value was written: file and line per child of every decoded map and sequence, so errors found
// after the build (an unknown parameter) can name the value's own line. Objects rebuilt by patches have no entry.
// Also which map keys were plain scalars that YAML reads as something other than a string (1, on, ~).
export interface Position {
  file: string;
  line: number;
}

const children = new WeakMap<object, Map<string | number, Position>>();

export function recordPosition(container: object, key: string | number, position: Position): void {
  let m = children.get(container);
  if (m === undefined) {
    m = new Map();
    children.set(container, m);
  }
  m.set(key, position);
}

/** Carries the position of `from[fromKey]` over to `to[toKey]`, for values copied into a rebuilt object. */
export function copyPosition(from: object, fromKey: string | number, to: object, toKey: string | number): void {
  const p = children.get(from)?.get(fromKey);
  if (p !== undefined) recordPosition(to, toKey, p);
}

/** Carries every child position of `from` over to `to`, a copy with the same keys. */
export function copyPositions(from: object, to: object): void {
  const m = children.get(from);
  if (m !== undefined) children.set(to, new Map(m));
}

/** The position of `container[key]` as decoded (or carried over), if there is one. */
export function positionOf(container: object, key: string | number): Position | undefined {
  return children.get(container)?.get(key);
}

const nonStringKeys = new WeakMap<object, Set<string>>();

export function recordNonStringKey(container: object, key: string): void {
  let s = nonStringKeys.get(container);
  if (s === undefined) {
    s = new Set();
    nonStringKeys.set(container, s);
  }
  s.add(key);
}

/** Whether `key` of a decoded map was written as a plain number, bool or null rather than as text. */
export function isNonStringKey(container: object, key: string): boolean {
  return nonStringKeys.get(container)?.has(key) === true;
}

const keyLines = new WeakMap<object, Map<string, number>>();

/** Records the line a map key was written on (a value's own line can be below it: a block list starts on the next line). */
export function recordKeyLine(container: object, key: string, line: number): void {
  let m = keyLines.get(container);
  if (m === undefined) {
    m = new Map();
    keyLines.set(container, m);
  }
  m.set(key, line);
}

/** Carries the key line of `from[fromKey]` over to `to[toKey]`. */
export function copyKeyLine(from: object, fromKey: string, to: object, toKey: string): void {
  const line = keyLines.get(from)?.get(fromKey);
  if (line !== undefined) recordKeyLine(to, toKey, line);
}

/** The line `key` of a decoded map was written on, if known. */
export function keyLineOf(container: object, key: string): number | undefined {
  return keyLines.get(container)?.get(key);
}

/** The line of `container[key]` as decoded, if known. */
export function lineOf(container: object | undefined, key: string | number): number | undefined {
  return container === undefined ? undefined : children.get(container)?.get(key)?.line;
}
