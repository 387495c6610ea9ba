// Label selectors and label syntax, as Kubernetes defines them.
import { describe, expect, it } from 'vitest';
import { fromLabelSelectorSpec, matchesLabels, parseLabelSelector } from './selector.js';
import { dns1123LabelProblem, labelsProblems } from './validation.js';

const prodEu = { env: 'prod', region: 'eu-west-1', 'example.com/tier': 'gold' };

describe('matchesLabels', () => {
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
    const parsed = parseLabelSelector(text);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(matchesLabels(parsed.selector, prodEu)).toBe(expected);
  });

  it.each([
    ['env=prod,', 'EmptyRequirement', 'empty requirement'],
    ['env in ()', 'EmptyValues', 'the value list is empty'],
    ['env=has space', 'Malformed', 'is not a requirement'],
    ['-env=prod', 'InvalidKey', 'name part must be alphanumerics'],
    ['env=pr$d', 'InvalidValue', 'value "pr$d"'],
    ['Bad_Prefix/x=y', 'InvalidKey', 'prefix "Bad_Prefix" must be a DNS-1123 subdomain'],
  ])('rejects %j naming the problem', (text, code, message) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.code).toBe(code);
      expect(parsed.problem.message).toContain(message);
    }
  });

  it('skips empty requirements only when asked', () => {
    expect(parseLabelSelector('env=prod,,!canary,').ok).toBe(false);
    const parsed = parseLabelSelector('env=prod,,!canary,', { skipEmpty: true });
    expect(parsed).toEqual({ ok: true, selector: [{ key: 'env', operator: 'In', values: ['prod'] }, { key: 'canary', operator: 'DoesNotExist' }] });
  });

  it('checks only the syntax when validation is off (kustomize annotation selectors)', () => {
    const parsed = parseLabelSelector('config.kubernetes.io/Local_Config=TRUE_', { validate: false });
    expect(parsed.ok).toBe(true);
    expect(parseLabelSelector('config.kubernetes.io/Local_Config=TRUE_').ok).toBe(false);
    const bad = parseLabelSelector('a in (x, y z)', { validate: false });
    expect(bad.ok ? undefined : bad.problem.code).toBe('InvalidValue');
  });

  it('treats a missing label map as no labels', () => {
    const parsed = parseLabelSelector('!env,team notin (a)');
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(matchesLabels(parsed.selector, undefined)).toBe(true);
  });
});

describe('fromLabelSelectorSpec', () => {
  it.each([
    [{}, true],
    [{ matchLabels: { env: 'prod' } }, true],
    [{ matchLabels: { env: 'prod', region: 'us-east-1' } }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['prod', 'dev'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['prod'] }] }, false],
    [{ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' as const }] }, true],
    [{ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'team', operator: 'Exists' as const }] }, false],
  ])('%j on prod/eu -> %s', (spec, expected) => {
    expect(matchesLabels(fromLabelSelectorSpec(spec), prodEu)).toBe(expected);
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
