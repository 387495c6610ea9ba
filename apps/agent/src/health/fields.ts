// Safe accessors for untyped object JSON: health rules read status fields that may be absent or of any type.

export type Json = unknown;

export function field(value: Json, ...path: string[]): Json {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function num(value: Json, ...path: string[]): number | undefined {
  const v = field(value, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(value: Json, ...path: string[]): string | undefined {
  const v = field(value, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function bool(value: Json, ...path: string[]): boolean | undefined {
  const v = field(value, ...path);
  return typeof v === 'boolean' ? v : undefined;
}

export function list(value: Json, ...path: string[]): Json[] {
  const v = field(value, ...path);
  return Array.isArray(v) ? v : [];
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** status.conditions as typed values; malformed entries are skipped. */
export function conditions(object: Json): Condition[] {
  return list(object, 'status', 'conditions').flatMap((c) => {
    const type = str(c, 'type');
    if (type === undefined) return [];
    return [{ type, status: str(c, 'status') ?? 'Unknown', reason: str(c, 'reason') ?? '', message: str(c, 'message') ?? '' }];
  });
}

export function condition(object: Json, type: string): Condition | undefined {
  return conditions(object).find((c) => c.type === type);
}

/** True when the controller has not yet observed the latest spec (status.observedGeneration < metadata.generation). */
export function generationPending(object: Json): boolean {
  const generation = num(object, 'metadata', 'generation');
  const observed = num(object, 'status', 'observedGeneration');
  return generation !== undefined && (observed === undefined || observed < generation);
}
