// Where each decoded value was written: file and line per child of every decoded map and sequence, so errors found
// after the build (an unknown parameter) can name the value's own line. Objects rebuilt by patches have no entry.
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

/** The position of `container[key]` as decoded, if the container came straight from the decoder. */
export function positionOf(container: object, key: string | number): Position | undefined {
  return children.get(container)?.get(key);
}
