// Label and field selectors in the syntax of k8s.io/apimachinery/pkg/labels and pkg/fields, parsed once per request.
// Label selectors are @flotilla/kube-schema's; this module words their problems as the apiserver does.

import { parseLabelSelector as parseSelector, splitTopLevel } from '@flotilla/kube-schema';
import type { LabelSelector, SelectorProblem } from '@flotilla/kube-schema';
import { badRequest } from '../errors/index.js';

function apiserverMessage(problem: SelectorProblem, raw: string): string {
  switch (problem.code) {
    case 'InvalidKey':
      return `unable to parse requirement: invalid label key "${problem.token}" in selector "${raw}"`;
    case 'InvalidValue':
      return `unable to parse requirement: invalid label value: "${problem.token}" in selector "${raw}"`;
    case 'EmptyValues':
      return `unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`;
    default:
      return `unable to parse requirement: found '${problem.part}', expected: in, notin, =, ==, !=, gt, lt`;
  }
}

/** The `labelSelector` query parameter; a malformed one is a 400 BadRequest. Empty requirements are ignored. */
export function parseLabelSelector(raw: string): LabelSelector {
  const parsed = parseSelector(raw, { skipEmpty: true });
  if (!parsed.ok) throw badRequest(apiserverMessage(parsed.problem, raw));
  return parsed.selector;
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

export function parseFieldSelector(raw: string): FieldRequirement[] {
  const parts = splitTopLevel(raw).map((p) => p.trim()).filter((p) => p !== '');
  return parts.map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${part}'`);
    return { field: m[1]!.trim(), value: m[3]!.trim(), negate: m[2] === '!=' };
  });
}
