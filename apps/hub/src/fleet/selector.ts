// Kubernetes label selectors ("env=prod,region in (eu,us),!canary"): parsed once into a value, then matched purely.
import { labelKeyProblem, labelValueProblem } from './labels.js';

export type Requirement =
  | { key: string; operator: 'In' | 'NotIn'; values: string[] }
  | { key: string; operator: 'Exists' | 'DoesNotExist' };

/** A parsed selector: every requirement must hold. The empty selector matches every cluster. */
export interface LabelSelector {
  text: string;
  requirements: Requirement[];
}

export type ParseResult = { ok: true; selector: LabelSelector } | { ok: false; error: string };

const SET_FORM = /^(\S+)\s+(in|notin)\s*\((.*)\)$/;
const EQUALITY_FORM = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
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

function parseRequirement(raw: string): Requirement | string {
  const part = raw.trim();
  if (part === '') return 'empty requirement';
  const set = SET_FORM.exec(part);
  if (set) {
    const [, key = '', op, list = ''] = set;
    if (list.trim() === '') return `"${part}": the value list is empty`;
    const values = list.split(',').map((v) => v.trim());
    return checked({ key, operator: op === 'in' ? 'In' : 'NotIn', values }, part);
  }
  if (part.startsWith('!')) return checked({ key: part.slice(1).trim(), operator: 'DoesNotExist' }, part);
  const eq = EQUALITY_FORM.exec(part);
  if (eq) {
    const [, key = '', op, value = ''] = eq;
    return checked({ key, operator: op === '!=' ? 'NotIn' : 'In', values: [value] }, part);
  }
  if (/^[^\s=!(),]+$/.test(part)) return checked({ key: part, operator: 'Exists' }, part);
  return `"${part}" is not a requirement (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))`;
}

function checked(requirement: Requirement, part: string): Requirement | string {
  const keyProblem = labelKeyProblem(requirement.key);
  if (keyProblem) return `"${part}": ${keyProblem}`;
  if ('values' in requirement) {
    for (const value of requirement.values) {
      const valueProblem = labelValueProblem(value);
      if (valueProblem) return `"${part}": ${valueProblem}`;
    }
  }
  return requirement;
}

export function parseSelector(text: string): ParseResult {
  if (text.trim() === '') return { ok: true, selector: { text: '', requirements: [] } };
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const parsed = parseRequirement(part);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    requirements.push(parsed);
  }
  return { ok: true, selector: { text: text.trim(), requirements } };
}

/** Kubernetes semantics: `!=` and `notin` also match clusters that lack the key. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
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
