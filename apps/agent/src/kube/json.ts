// JSON text for request bodies: rendered manifests may hold integers beyond 2^53 as bigint, which JSON.stringify refuses.
export function toJsonText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) if (v !== undefined) parts.push(`${JSON.stringify(key)}:${toJsonText(v)}`);
  return `{${parts.join(',')}}`;
}
