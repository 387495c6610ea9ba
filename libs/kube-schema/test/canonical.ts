// Key-order-free comparison helpers for patch results (kubectl prints keys sorted; our results keep input order).

export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

export function pick(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** A list of named items compared by names when the expectation lists names only. */
export function shapeLike(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && expected.every((e) => typeof e === 'string') && Array.isArray(actual)) {
    return actual.map((item) => (item !== null && typeof item === 'object' && 'name' in item ? (item as { name: unknown }).name : item));
  }
  return actual;
}
