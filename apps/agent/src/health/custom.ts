// Per-application health rules written in CEL (cel.dev) over the live object: `object` is the object as JSON,
// `builtin` the built-in verdict ({status, message}); a rule yields a status name or {status, message}.
import { celEnv, isCelError, isCelMap, parse, plan } from '@bufbuild/cel';
import type { CelInput, CelResult, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { str } from './fields.js';
import { healthStatuses } from './types.js';
import type { HealthResult, HealthStatus, LiveObject } from './types.js';

export interface CustomHealthRule {
  /** `Kind` (any group), `group/Kind`, or `/Kind` for the core group, e.g. `cert-manager.io/Certificate`. */
  kind: string;
  /** CEL: `object.status.phase == 'Ready' ? 'Healthy' : {'status': 'Progressing', 'message': object.status.phase}`. */
  expression: string;
}

type Program = (bindings: Record<string, CelInput>) => CelResult;

const env = celEnv({ funcs: strings });
/** Compiled programs by expression; a compile error is kept so a bad rule fails the same way every time. */
const compiled = new Map<string, Program | string>();

function compile(expression: string): Program | string {
  let program = compiled.get(expression);
  if (program === undefined) {
    try {
      program = plan(env, parse(expression)) as Program;
    } catch (error) {
      program = error instanceof Error ? error.message : String(error);
    }
    compiled.set(expression, program);
  }
  return program;
}

/** JSON as CEL values: objects become maps, integral numbers ints (so `replicas == 3` and `>=` read naturally). */
function toCel(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return null;
}

const isStatus = (v: unknown): v is HealthStatus => typeof v === 'string' && (healthStatuses as readonly string[]).includes(v);

export function ruleMatches(rule: CustomHealthRule, object: LiveObject): boolean {
  const kind = str(object, 'kind') ?? '';
  const apiVersion = str(object, 'apiVersion') ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return rule.kind === kind || rule.kind === `${group}/${kind}`;
}

/** Evaluates one rule; every failure is Unknown with a message naming the rule and what went wrong. */
export function evaluateRule(rule: CustomHealthRule, object: LiveObject, builtin: HealthResult): HealthResult {
  const where = `health rule for ${rule.kind}`;
  const program = compile(rule.expression);
  if (typeof program === 'string') return { status: 'Unknown', message: `${where}: does not compile: ${program}` };
  let result: CelResult;
  try {
    result = program({ object: toCel(object), builtin: toCel(builtin) });
  } catch (error) {
    return { status: 'Unknown', message: `${where}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (isCelError(result)) return { status: 'Unknown', message: `${where}: ${result.message}` };
  return interpret(result, where);
}

function interpret(value: CelValue, where: string): HealthResult {
  if (isStatus(value)) return { status: value, message: `${value} by the application's ${where.replace('health rule', 'rule')}` };
  if (isCelMap(value)) {
    const status = value.get('status');
    const message = value.get('message');
    if (isStatus(status)) return { status, message: typeof message === 'string' && message !== '' ? message : `${status} by the application's rule` };
  }
  return { status: 'Unknown', message: `${where}: must yield one of ${healthStatuses.join(', ')} or {'status': ..., 'message': ...}` };
}

/** The built-in verdict, replaced by the first of the app's rules that matches the object's kind. */
export function applyCustomRules(object: LiveObject | undefined, builtin: HealthResult, rules: readonly CustomHealthRule[]): HealthResult {
  if (object === undefined || rules.length === 0) return builtin;
  const rule = rules.find((r) => ruleMatches(r, object));
  return rule === undefined ? builtin : evaluateRule(rule, object, builtin);
}
