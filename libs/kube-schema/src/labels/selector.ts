// Kubernetes label selectors: the string syntax ("env=prod,region in (eu,us),!canary") and metav1.LabelSelector specs,
// parsed once into requirements and then matched purely. Problems are values with a code so each caller can word them.
import { labelKeyProblem, labelValueProblem } from './validation.js';

/** One requirement; `key=v` is `In [v]` and `key!=v` is `NotIn [v]`, exactly as apimachinery treats them. */
export type LabelRequirement =
  | { key: string; operator: 'In' | 'NotIn'; values: string[] }
  | { key: string; operator: 'Exists' | 'DoesNotExist' };

/** Every requirement must hold; the empty selector matches everything. */
export type LabelSelector = readonly LabelRequirement[];

export type SelectorProblemCode = 'EmptyRequirement' | 'EmptyValues' | 'Malformed' | 'InvalidKey' | 'InvalidValue';

export interface SelectorProblem {
  code: SelectorProblemCode;
  /** The requirement (trimmed) that is wrong. */
  part: string;
  /** The offending key or value, for InvalidKey and InvalidValue. */
  token?: string;
  /** A message naming the requirement and the problem, e.g. `"env=pr$d": value "pr$d" must be ...`. */
  message: string;
}

export type SelectorParse = { ok: true; selector: LabelSelector } | { ok: false; problem: SelectorProblem };

export interface SelectorSyntax {
  /**
   * Check keys and values as label keys and values (default true). Off, only the syntax is checked: kustomize's
   * annotation selectors use the same grammar for keys and values that are not labels.
   */
  validate?: boolean;
  /** Ignore empty requirements (`a=b,,c=d`, a trailing comma) instead of rejecting them (default false). */
  skipEmpty?: boolean;
}

const SET_FORM = /^(\S+)\s+(in|notin)\s*\((.*)\)$/;
const EQUALITY_FORM = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/;
const BARE_KEY = /^[^\s=!(),]+$/;
const TOKEN = /^[^\s=!(),]*$/;

/** Splits on commas that are not inside parentheses: `a in (x,y),b` -> [`a in (x,y)`, `b`]. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function problem(code: SelectorProblemCode, part: string, message: string, token?: string): SelectorProblem {
  return token === undefined ? { code, part, message } : { code, part, token, message };
}

function malformed(part: string): SelectorProblem {
  const expected = 'expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)';
  return problem('Malformed', part, `"${part}" is not a requirement (${expected})`);
}

function keyProblem(key: string, validate: boolean): string | undefined {
  if (validate) return labelKeyProblem(key);
  return BARE_KEY.test(key) ? undefined : `key "${key}" is not a selector key`;
}

function valueProblem(value: string, validate: boolean): string | undefined {
  if (validate) return labelValueProblem(value);
  return TOKEN.test(value) ? undefined : `value "${value}" is not a selector value`;
}

function checked(requirement: LabelRequirement, part: string, validate: boolean): LabelRequirement | SelectorProblem {
  const badKey = keyProblem(requirement.key, validate);
  if (badKey) return problem('InvalidKey', part, `"${part}": ${badKey}`, requirement.key);
  if ('values' in requirement) {
    for (const value of requirement.values) {
      const badValue = valueProblem(value, validate);
      if (badValue) return problem('InvalidValue', part, `"${part}": ${badValue}`, value);
    }
  }
  return requirement;
}

function parseRequirement(part: string, validate: boolean): LabelRequirement | SelectorProblem {
  if (part === '') return problem('EmptyRequirement', part, 'empty requirement');
  const set = SET_FORM.exec(part);
  if (set) {
    const [, key = '', op, list = ''] = set;
    if (list.trim() === '') return problem('EmptyValues', part, `"${part}": the value list is empty`);
    const values = list.split(',').map((v) => v.trim());
    return checked({ key, operator: op === 'in' ? 'In' : 'NotIn', values }, part, validate);
  }
  if (part.startsWith('!')) return checked({ key: part.slice(1).trim(), operator: 'DoesNotExist' }, part, validate);
  const eq = EQUALITY_FORM.exec(part);
  if (eq) {
    const [, key = '', op, value = ''] = eq;
    return checked({ key, operator: op === '!=' ? 'NotIn' : 'In', values: [value] }, part, validate);
  }
  if (BARE_KEY.test(part)) return checked({ key: part, operator: 'Exists' }, part, validate);
  return malformed(part);
}

/** Parses the string form; blank text is the empty selector. */
export function parseLabelSelector(text: string, syntax: SelectorSyntax = {}): SelectorParse {
  const validate = syntax.validate ?? true;
  if (text.trim() === '') return { ok: true, selector: [] };
  const selector: LabelRequirement[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (part === '' && syntax.skipEmpty) continue;
    const parsed = parseRequirement(part, validate);
    if ('code' in parsed) return { ok: false, problem: parsed };
    selector.push(parsed);
  }
  return { ok: true, selector };
}

/** Kubernetes semantics: `!=` and `notin` also match objects that lack the key. */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const have = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(have, r.key);
    const value = have[r.key];
    switch (r.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'In':
        return has && value !== undefined && r.values.includes(value);
      case 'NotIn':
        return !has || value === undefined || !r.values.includes(value);
    }
  });
}

/** metav1.LabelSelector (matchLabels + matchExpressions), as found in Deployment.spec.selector. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function fromLabelSelectorSpec(spec: LabelSelectorSpec): LabelSelector {
  const selector: LabelRequirement[] = Object.entries(spec.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In' as const, values: [value] }));
  for (const e of spec.matchExpressions ?? []) {
    if (e.operator === 'Exists' || e.operator === 'DoesNotExist') selector.push({ key: e.key, operator: e.operator });
    else selector.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  }
  return selector;
}
