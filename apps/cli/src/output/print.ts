// Output forms: kubectl-like aligned tables (the default), `-o json` and `-o yaml` of exactly what the hub returned.
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';

export const outputFormats = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'wide') return 'table';
  if ((outputFormats as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`-o ${value}: expected json or yaml`);
}

export function serialize(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}

/** Columns padded to the widest cell, separated by three spaces, headers in capitals: as `kubectl get` prints. */
export function table(headers: string[], rows: string[][], indent = ''): string {
  if (rows.length === 0) return '';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd() +
    '\n';
  return line(headers) + rows.map(line).join('');
}

/** Age of a timestamp as kubectl shows it: 45s, 12m, 5h, 3d. */
export function age(iso: unknown, now: Date): string {
  if (typeof iso !== 'string') return '<none>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 120 * 60) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export const short = (commit: unknown): string => (typeof commit === 'string' ? commit.slice(0, 7) : '');

export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '<none>';
  if (Array.isArray(value)) return value.length === 0 ? '<none>' : value.map(cell).join(',');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
  }
  return String(value);
}
