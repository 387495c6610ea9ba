// Label selectors and label syntax, as Kubernetes defines them.
import { describe, expect, it } from 'vitest';
import { dns1123LabelProblem, labelsProblems } from './labels.js';
import { parseSelector, selectorMatches } from './selector.js';

const prodEu = { env: 'prod', region: 'eu-west-1', 'example.com/tier': 'gold' };

describe('selectorMatches', () => {
  it.each([
    ['', true],
    ['env=prod', true],
    ['env==prod', true],
    ['env=dev', false],
    ['env!=dev', true],
    ['team!=a', true],
    ['env in (prod, staging)', true],
    ['env notin (prod)', false],
    ['region in (us-east-1)', false],
    ['team notin (a,b)', true],
    ['example.com/tier', true],
    ['!canary', true],
    ['!env', false],
    ['env=prod,region in (eu-west-1,eu-central-1),!canary', true],
    ['env=prod, region=us-east-1', false],
  ])('%j on prod/eu -> %s', (text, expected) => {
    const parsed = parseSelector(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(selectorMatches(parsed.selector, prodEu)).toBe(expected);
  });

  it.each([
    ['env=prod,', 'empty requirement'],
    ['env in ()', 'the value list is empty'],
    ['env=has space', 'is not a requirement'],
    ['-env=prod', 'name part must be alphanumerics'],
    ['env=pr$d', 'value "pr$d"'],
    ['Bad_Prefix/x=y', 'prefix "Bad_Prefix" must be a DNS-1123 subdomain'],
  ])('rejects %j naming the problem', (text, problem) => {
    const parsed = parseSelector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(problem);
  });
});

describe('names and labels', () => {
  it('accepts DNS-1123 labels and explains the rest', () => {
    expect(dns1123LabelProblem('prod-eu-1')).toBeUndefined();
    expect(dns1123LabelProblem('')).toBe('must not be empty');
    expect(dns1123LabelProblem('Prod')).toMatch(/not a DNS-1123 label/);
    expect(dns1123LabelProblem('-prod')).toMatch(/not a DNS-1123 label/);
    expect(dns1123LabelProblem('a'.repeat(64))).toMatch(/at most 63/);
  });

  it('checks label keys and values, naming the key', () => {
    expect(labelsProblems({ env: 'prod', 'kubernetes.io/role': '', 'a.b/c_d.e': 'X-1' })).toEqual([]);
    expect(labelsProblems({ env: 'has space' })).toEqual(['labels["env"]: value "has space" must be alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric']);
    expect(labelsProblems({ '/x': 'y' })[0]).toMatch(/^labels: key "\/x": prefix ""/);
    expect(labelsProblems({ ['k'.repeat(64)]: 'v' })[0]).toMatch(/at most 63/);
  });
});
