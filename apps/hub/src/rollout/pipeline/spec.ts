// The promotion graph of an application: stages forming a DAG, each split into ordered waves. Validated once at the
// edge into a normalized spec (defaults filled, durations in ms, selectors parsed), with errors naming path and reason.
import { fromLabelSelectorSpec, labelKeyProblem, labelValueProblem, matchesLabels, parseLabelSelector } from '@flotilla/kube-schema';
import type { LabelSelector } from '@flotilla/kube-schema';

/** A count of clusters, or a percentage of the wave's clusters ("25%"). */
export type Quantity = { count: number } | { percent: number };

export interface WaveSpec {
  name: string;
  /** Selects, among the stage's clusters, those of this wave; the empty selector takes every one left. */
  selector: SelectorSpec;
  maxParallel: Quantity;
  bakeMs: number;
  progressDeadlineMs: number;
  maxUnhealthy: Quantity;
  /** A promoter must approve before the wave starts. */
  approval: boolean;
  /** `wait`: an offline cluster counts as unhealthy once stale; `skip`: it is skipped, and gets the commit when the stage succeeds. */
  offline: 'wait' | 'skip';
  /** Silence after which a cluster counts as Unknown. */
  staleAfterMs: number;
  /** True for the final wave the hub adds for clusters no declared wave selects. */
  implicit: boolean;
}

export interface StageSpec {
  name: string;
  after: string[];
  selector: SelectorSpec;
  autoPromote: boolean;
  onFailure: 'halt' | 'rollback';
  /** A promoter must approve before the stage's first wave starts. */
  approval: boolean;
  waves: WaveSpec[];
}

export interface PipelineSpec {
  stages: StageSpec[];
}

/** A selector as the user wrote it (string syntax or matchLabels/matchExpressions), kept for display and matching. */
export interface SelectorSpec {
  text: string;
  requirements: LabelSelector;
}

export interface SpecProblem {
  path: string;
  reason: string;
}

export const defaults = {
  maxParallel: '100%',
  bake: '1m',
  progressDeadline: '10m',
  maxUnhealthy: 0,
  staleAfter: '1m',
  offline: 'wait',
  onFailure: 'halt',
  autoPromote: false,
} as const;

/** The wave the hub adds for clusters a stage selects but no declared wave does. */
export const IMPLICIT_WAVE = 'remaining';
/** The one stage of an application declared without `stages` (its clusterSelector, one wave, no bake). */
export const DEFAULT_STAGE = 'default';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations: "90s", "10m", "1h30m", "250ms"; a bare number is seconds. Undefined when malformed. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '0') return 0;
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
  if (!parts) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(part)!;
    total += Number(n) * UNIT_MS[unit!]!;
  }
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const out: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (rest >= size) {
      out.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) out.push(`${rest}ms`);
  return out.join('');
}

/** How many of `total` clusters a quantity allows; a percentage rounds down, but maxParallel never below 1. */
export function resolveQuantity(q: Quantity, total: number, atLeastOne: boolean): number {
  const n = 'count' in q ? q.count : Math.floor((q.percent * total) / 100);
  return atLeastOne ? Math.max(1, n) : n;
}

export function formatQuantity(q: Quantity): string | number {
  return 'count' in q ? q.count : `${q.percent}%`;
}

export function selects(selector: SelectorSpec, labels: Readonly<Record<string, string>>): boolean {
  return matchesLabels(selector.requirements, labels);
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: SpecProblem[] = [];
  add(path: string, reason: string): void {
    this.list.push({ path, reason });
  }
}

function unknownKeys(raw: Raw, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) problems.add(`${path}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
}

export function parseSelector(value: unknown, path: string, problems: Problems): SelectorSpec {
  if (value === undefined || value === null || value === '') return { text: '', requirements: [] };
  if (typeof value === 'string') {
    const parsed = parseLabelSelector(value);
    if (!parsed.ok) {
      problems.add(path, parsed.problem.message);
      return { text: value, requirements: [] };
    }
    return { text: value.trim(), requirements: parsed.selector };
  }
  if (!isObject(value)) {
    problems.add(path, 'expected a label selector string or {matchLabels, matchExpressions}');
    return { text: '', requirements: [] };
  }
  unknownKeys(value, ['matchLabels', 'matchExpressions'], path, problems);
  const matchLabels: Record<string, string> = {};
  if (value['matchLabels'] !== undefined) {
    if (!isObject(value['matchLabels'])) problems.add(`${path}.matchLabels`, 'expected an object of label key to value');
    else
      for (const [k, v] of Object.entries(value['matchLabels'])) {
        const keyProblem = labelKeyProblem(k);
        if (keyProblem) problems.add(`${path}.matchLabels.${k}`, keyProblem);
        if (typeof v !== 'string') problems.add(`${path}.matchLabels.${k}`, 'expected a string value');
        else {
          const valueProblem = labelValueProblem(v);
          if (valueProblem) problems.add(`${path}.matchLabels.${k}`, valueProblem);
          matchLabels[k] = v;
        }
      }
  }
  const expressions: { key: string; operator: string; values?: string[] }[] = [];
  if (value['matchExpressions'] !== undefined) {
    if (!Array.isArray(value['matchExpressions'])) problems.add(`${path}.matchExpressions`, 'expected a list');
    else
      value['matchExpressions'].forEach((e: unknown, i) => {
        const at = `${path}.matchExpressions[${i}]`;
        if (!isObject(e)) return problems.add(at, 'expected {key, operator, values}');
        const key = e['key'];
        const operator = e['operator'];
        const values = e['values'];
        if (typeof key !== 'string' || labelKeyProblem(key)) return problems.add(`${at}.key`, typeof key === 'string' ? labelKeyProblem(key)! : 'expected a label key');
        if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') {
          return problems.add(`${at}.operator`, `"${String(operator)}" is not one of In, NotIn, Exists, DoesNotExist`);
        }
        const needsValues = operator === 'In' || operator === 'NotIn';
        if (needsValues && (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string'))) {
          return problems.add(`${at}.values`, `${operator} needs a non-empty list of strings`);
        }
        if (!needsValues && values !== undefined && (!Array.isArray(values) || values.length > 0)) return problems.add(`${at}.values`, `${operator} takes no values`);
        expressions.push({ key, operator, ...(needsValues ? { values: values as string[] } : {}) });
      });
  }
  const requirements = fromLabelSelectorSpec({ matchLabels, matchExpressions: expressions } as Parameters<typeof fromLabelSelectorSpec>[0]);
  const text = [
    ...Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`),
    ...expressions.map((e) => (e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${e.values!.join(',')})`)),
  ].join(',');
  return { text, requirements };
}

function quantity(value: unknown, path: string, problems: Problems, fallback: Quantity): Quantity {
  if (value === undefined) return fallback;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) problems.add(path, `${value} is not a whole number of clusters (or a percentage such as "25%")`);
    return { count: value };
  }
  if (typeof value === 'string') {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
    if (pct) {
      const percent = Number(pct[1]);
      if (percent > 100) problems.add(path, `${value} is over 100%`);
      return { percent };
    }
    if (/^\d+$/.test(value.trim())) return { count: Number(value.trim()) };
  }
  problems.add(path, `${JSON.stringify(value)} is not a count or a percentage such as "25%"`);
  return fallback;
}

function duration(value: unknown, path: string, problems: Problems, fallback: string): number {
  const ms = parseDuration(value ?? fallback);
  if (ms === undefined) {
    problems.add(path, `${JSON.stringify(value)} is not a duration (for example "30s", "10m", "1h30m")`);
    return 0;
  }
  return ms;
}

function bool(value: unknown, path: string, problems: Problems, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') problems.add(path, 'expected true or false');
  return value === true;
}

function name(value: unknown, path: string, problems: Problems): string {
  if (typeof value !== 'string' || !DNS_LABEL.test(value)) {
    problems.add(path, `${JSON.stringify(value)} is not a name (lower-case letters, digits and "-", at most 63)`);
    return typeof value === 'string' ? value : '';
  }
  return value;
}

const waveKeys = ['name', 'selector', 'maxParallel', 'bake', 'progressDeadline', 'maxUnhealthy', 'approval', 'offline', 'staleAfter'] as const;
const stageKeys = ['name', 'after', 'selector', 'autoPromote', 'onFailure', 'approval', 'waves'] as const;

function parseWave(raw: unknown, path: string, problems: Problems): WaveSpec | undefined {
  if (!isObject(raw)) {
    problems.add(path, 'expected a wave object');
    return undefined;
  }
  unknownKeys(raw, waveKeys, path, problems);
  const offline = raw['offline'] ?? defaults.offline;
  if (offline !== 'wait' && offline !== 'skip') problems.add(`${path}.offline`, `"${String(offline)}" is not wait or skip`);
  return {
    name: name(raw['name'], `${path}.name`, problems),
    selector: parseSelector(raw['selector'], `${path}.selector`, problems),
    maxParallel: quantity(raw['maxParallel'], `${path}.maxParallel`, problems, { percent: 100 }),
    bakeMs: duration(raw['bake'], `${path}.bake`, problems, defaults.bake),
    progressDeadlineMs: duration(raw['progressDeadline'], `${path}.progressDeadline`, problems, defaults.progressDeadline),
    maxUnhealthy: quantity(raw['maxUnhealthy'], `${path}.maxUnhealthy`, problems, { count: 0 }),
    approval: bool(raw['approval'], `${path}.approval`, problems, false),
    offline: offline === 'skip' ? 'skip' : 'wait',
    staleAfterMs: duration(raw['staleAfter'], `${path}.staleAfter`, problems, defaults.staleAfter),
    implicit: false,
  };
}

/** The final wave for clusters no declared wave selects: the stage's defaults, in one go. */
function implicitWave(template: WaveSpec | undefined): WaveSpec {
  return {
    name: IMPLICIT_WAVE,
    selector: { text: '', requirements: [] },
    maxParallel: template?.maxParallel ?? { percent: 100 },
    bakeMs: template?.bakeMs ?? (parseDuration(defaults.bake) as number),
    progressDeadlineMs: template?.progressDeadlineMs ?? (parseDuration(defaults.progressDeadline) as number),
    maxUnhealthy: template?.maxUnhealthy ?? { count: 0 },
    approval: false,
    offline: template?.offline ?? 'wait',
    staleAfterMs: template?.staleAfterMs ?? (parseDuration(defaults.staleAfter) as number),
    implicit: true,
  };
}

function parseStage(raw: unknown, path: string, problems: Problems): StageSpec | undefined {
  if (!isObject(raw)) {
    problems.add(path, 'expected a stage object');
    return undefined;
  }
  unknownKeys(raw, stageKeys, path, problems);
  const after = raw['after'] ?? [];
  if (!Array.isArray(after) || after.some((a) => typeof a !== 'string')) problems.add(`${path}.after`, 'expected a list of stage names');
  const onFailure = raw['onFailure'] ?? defaults.onFailure;
  if (onFailure !== 'halt' && onFailure !== 'rollback') problems.add(`${path}.onFailure`, `"${String(onFailure)}" is not halt or rollback`);
  const rawWaves = raw['waves'] ?? [];
  const waves: WaveSpec[] = [];
  if (!Array.isArray(rawWaves)) problems.add(`${path}.waves`, 'expected a list of waves');
  else
    rawWaves.forEach((w: unknown, i) => {
      const wave = parseWave(w, `${path}.waves[${i}]`, problems);
      if (wave) waves.push(wave);
    });
  const seen = new Map<string, number>();
  waves.forEach((w, i) => {
    if (w.name === IMPLICIT_WAVE) problems.add(`${path}.waves[${i}].name`, `"${IMPLICIT_WAVE}" is reserved for the hub's implicit final wave`);
    if (seen.has(w.name)) problems.add(`${path}.waves[${i}].name`, `duplicate wave name "${w.name}" (also waves[${seen.get(w.name)}])`);
    seen.set(w.name, i);
  });
  // Clusters no declared wave selects go last; a stage without waves is that one wave.
  waves.push(implicitWave(waves.at(-1)));
  return {
    name: name(raw['name'], `${path}.name`, problems),
    after: Array.isArray(after) ? after.filter((a): a is string => typeof a === 'string') : [],
    selector: parseSelector(raw['selector'], `${path}.selector`, problems),
    autoPromote: bool(raw['autoPromote'], `${path}.autoPromote`, problems, defaults.autoPromote),
    onFailure: onFailure === 'rollback' ? 'rollback' : 'halt',
    approval: bool(raw['approval'], `${path}.approval`, problems, false),
    waves,
  };
}

/** Stages in an order where every stage comes after those it names in `after` (Kahn; ties keep declaration order). */
export function topologicalOrder(stages: readonly StageSpec[]): StageSpec[] | { cycle: string[] } {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const placed = new Set<string>();
  const order: StageSpec[] = [];
  while (order.length < stages.length) {
    const next = stages.find((s) => !placed.has(s.name) && s.after.every((a) => placed.has(a) || !byName.has(a)));
    if (!next) return { cycle: stages.filter((s) => !placed.has(s.name)).map((s) => s.name) };
    placed.add(next.name);
    order.push(next);
  }
  return order;
}

/** Validates a raw `stages` list. Returns the normalized pipeline or every problem found, each with its path. */
export function parsePipeline(raw: unknown, path = 'stages'): { ok: true; pipeline: PipelineSpec } | { ok: false; problems: SpecProblem[] } {
  const problems = new Problems();
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(path, 'expected a non-empty list of stages');
    return { ok: false, problems: problems.list };
  }
  const stages: StageSpec[] = [];
  raw.forEach((s: unknown, i) => {
    const stage = parseStage(s, `${path}[${i}]`, problems);
    if (stage) stages.push(stage);
  });
  const index = new Map<string, number>();
  stages.forEach((s, i) => {
    if (index.has(s.name)) problems.add(`${path}[${i}].name`, `duplicate stage name "${s.name}" (also ${path}[${index.get(s.name)}])`);
    else index.set(s.name, i);
  });
  stages.forEach((s, i) =>
    s.after.forEach((a, j) => {
      if (!index.has(a)) problems.add(`${path}[${i}].after[${j}]`, `unknown stage "${a}"`);
      if (a === s.name) problems.add(`${path}[${i}].after[${j}]`, `stage "${a}" cannot come after itself`);
    }),
  );
  if (problems.list.length === 0) {
    const order = topologicalOrder(stages);
    if ('cycle' in order) problems.add(path, `the stages form a cycle through ${order.cycle.join(' -> ')}`);
  }
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return { ok: true, pipeline: { stages } };
}

/** The pipeline of an application declared without stages: its selector, one wave, no bake, halt on failure. */
export function defaultPipeline(clusterSelector: string): PipelineSpec {
  const problems = new Problems();
  const selector = parseSelector(clusterSelector, 'clusterSelector', problems);
  const wave = { ...implicitWave(undefined), bakeMs: 0 };
  return { stages: [{ name: DEFAULT_STAGE, after: [], selector, autoPromote: false, onFailure: 'halt', approval: false, waves: [wave] }] };
}

export interface ClusterRef {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
}

/** Which stage and wave a cluster belongs to: the first stage (declaration order) and first wave that select it. */
export function placeCluster(pipeline: PipelineSpec, labels: Readonly<Record<string, string>>): { stage: StageSpec; wave: WaveSpec } | undefined {
  for (const stage of pipeline.stages) {
    if (!selects(stage.selector, labels)) continue;
    const wave = stage.waves.find((w) => selects(w.selector, labels))!;
    return { stage, wave };
  }
  return undefined;
}

/**
 * Checks a pipeline against the clusters there are now: a cluster two stages or two declared waves select is an error
 * (it would be promoted twice); a selector that matches no cluster is fine but reported.
 */
export function checkPlacement(pipeline: PipelineSpec, clusters: readonly ClusterRef[], path = 'stages'): { problems: SpecProblem[]; warnings: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const warnings: SpecProblem[] = [];
  pipeline.stages.forEach((stage, i) => {
    const members = clusters.filter((c) => selects(stage.selector, c.labels));
    if (members.length === 0) warnings.push({ path: `${path}[${i}].selector`, reason: `stage "${stage.name}" selects no cluster today` });
    for (const c of members) {
      const other = pipeline.stages.findIndex((s, j) => j !== i && selects(s.selector, c.labels));
      if (other >= 0 && other < i) problems.push({ path: `${path}[${i}].selector`, reason: `cluster ${c.name} is selected by stages "${pipeline.stages[other]!.name}" and "${stage.name}"` });
    }
    stage.waves.forEach((wave, w) => {
      if (wave.implicit) return;
      const inWave = members.filter((c) => selects(wave.selector, c.labels));
      if (inWave.length === 0) warnings.push({ path: `${path}[${i}].waves[${w}].selector`, reason: `wave "${wave.name}" of stage "${stage.name}" selects no cluster today` });
      for (const c of inWave) {
        // A wave with an empty selector takes whatever is left: only a real selector can claim a cluster twice.
        if (wave.selector.requirements.length === 0) continue;
        const earlier = stage.waves.findIndex((x, k) => k < w && !x.implicit && selects(x.selector, c.labels));
        if (earlier >= 0) problems.push({ path: `${path}[${i}].waves[${w}].selector`, reason: `cluster ${c.name} is selected by waves "${stage.waves[earlier]!.name}" and "${wave.name}" of stage "${stage.name}"` });
      }
    });
  });
  return { problems, warnings };
}

/** Stages upstream of `stage` (transitively), nearest first. */
export function upstreamOf(pipeline: PipelineSpec, stage: string): string[] {
  const byName = new Map(pipeline.stages.map((s) => [s.name, s]));
  const out: string[] = [];
  const visit = (name: string) => {
    for (const a of byName.get(name)?.after ?? []) {
      if (!out.includes(a)) {
        out.push(a);
        visit(a);
      }
    }
  };
  visit(stage);
  return out;
}

/** The normalized spec as the API shows it: durations and quantities in the user's units. */
export function pipelineView(pipeline: PipelineSpec) {
  return pipeline.stages.map((s) => ({
    name: s.name,
    after: s.after,
    selector: s.selector.text,
    autoPromote: s.autoPromote,
    onFailure: s.onFailure,
    approval: s.approval,
    waves: s.waves.map((w) => ({
      name: w.name,
      selector: w.selector.text,
      maxParallel: formatQuantity(w.maxParallel),
      bake: formatDuration(w.bakeMs),
      progressDeadline: formatDuration(w.progressDeadlineMs),
      maxUnhealthy: formatQuantity(w.maxUnhealthy),
      approval: w.approval,
      offline: w.offline,
      staleAfter: formatDuration(w.staleAfterMs),
      implicit: w.implicit,
    })),
  }));
}
