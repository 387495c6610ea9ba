// The CLI's pure pieces as tables: durations, SSE parsing, aligned tables, command words.
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../src/client/http.js';
import { parseDuration } from '../src/commands/spec.js';
import { canonicalWords } from '../src/commands/table.js';
import { duration } from '../src/output/formatters.js';
import { age, table } from '../src/output/print.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
  ])('parses %s', (text, ms) => expect(parseDuration(text, '--timeout')).toBe(ms));

  it.each(['', '30', 'soon', '1d', '30m!'])('refuses %j, naming the flag', (text) => expect(() => parseDuration(text, '--timeout')).toThrow(/^--timeout: ".*" is not a duration/));

  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [21 * 60_000, '21m'],
    [5_400_000, '1h30m'],
  ])('prints %d ms as %s', (ms, text) => expect(duration(ms)).toBe(text));
});

describe('Server-Sent Events', () => {
  it('reads id, event and JSON data, and skips comments (keep-alives)', () => {
    expect(parseEvent('id: 7\nevent: Created\ndata: {"seq":7}')).toEqual({ id: '7', event: 'Created', data: { seq: 7 } });
    expect(parseEvent(': keep-alive')).toBeUndefined();
    expect(parseEvent('data: line 1\ndata: line 2')).toEqual({ id: '', event: 'message', data: 'line 1\nline 2' });
  });
});

describe('tables', () => {
  it('pads columns to the widest cell, three spaces apart, with no trailing blanks', () => {
    expect(table(['NAME', 'STATE'], [['shop', 'Succeeded'], ['payments-api', '']])).toBe('NAME           STATE\nshop           Succeeded\npayments-api\n');
    expect(table(['NAME'], [])).toBe('');
  });

  it('shows ages as kubectl does', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    expect([age('2026-01-01T23:59:15Z', now), age('2026-01-01T23:00:00Z', now), age('2025-12-30T00:00:00Z', now), age(undefined, now)]).toEqual(['45s', '60m', '3d', '<none>']);
  });
});

describe('command words', () => {
  it.each([
    [['get', 'app'], ['get', 'applications']],
    [['get', 'cluster'], ['get', 'clusters']],
    [['delete', 'applications'], ['delete', 'application']],
    [['describe', 'promotions'], ['describe', 'promotion']],
    [['label', 'clusters'], ['label', 'cluster']],
    [['promote', 'shop'], ['promote', 'shop']],
  ])('%j is %j', (words, canonical) => expect(canonicalWords(words)).toEqual(canonical));
});
