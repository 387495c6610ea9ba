// A promotion's dry run: which clusters get the commit in which wave, in what order, behind which gates, and the
// shortest time it can take. Pure and deterministic (clusters by name), so two previews diff cleanly.
import { formatDuration, formatQuantity, resolveQuantity } from './pipeline/spec.js';
import type { PipelineSpec } from './pipeline/spec.js';
import { newStageRun, shortCommit } from './planner/index.js';
import type { ObservedCluster } from './planner/index.js';

export interface PreviewWave {
  name: string;
  implicit: boolean;
  approval: boolean;
  maxParallel: number | string;
  bake: string;
  /** Clusters in the order they get the commit, in batches of at most maxParallel. */
  batches: string[][];
  /** Clusters already on the commit (they are verified, not changed). */
  unchanged: string[];
  minimumMs: number;
}

export interface PreviewStage {
  stage: string;
  approval: boolean;
  /** Entered by autoPromote once the previous stage(s) succeed. */
  auto: boolean;
  waves: PreviewWave[];
  minimumMs: number;
}

export interface PromotionPreview {
  commit: string;
  stage: string;
  /** Upstream stages that have not succeeded with the commit: creating the promotion needs force. */
  blockedBy: string[];
  stages: PreviewStage[];
  /** Waves x bake (every batch bakes) plus nothing for approvals, which wait for people. */
  minimumMs: number;
  minimum: string;
  approvals: number;
}

export function previewPromotion(pipeline: PipelineSpec, stage: string, commit: string, clusters: readonly ObservedCluster[], blockedBy: string[]): PromotionPreview {
  const order: string[] = [stage];
  // autoPromote chains: downstream stages whose every upstream is in the chain.
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of pipeline.stages) {
      if (order.includes(s.name) || !s.autoPromote || s.after.length === 0) continue;
      if (s.after.every((a) => order.includes(a))) {
        order.push(s.name);
        grew = true;
      }
    }
  }
  let approvals = 0;
  const stages = order.map((name): PreviewStage => {
    const spec = pipeline.stages.find((s) => s.name === name)!;
    const run = newStageRun(pipeline, name, clusters);
    if (spec.approval) approvals++;
    const waves = run.waves.map((w): PreviewWave => {
      const wspec = spec.waves.find((x) => x.name === w.name)!;
      if (wspec.approval) approvals++;
      const changed = w.targets.filter((t) => t.previous?.commit !== commit).map((t) => t.cluster);
      const unchanged = w.targets.filter((t) => t.previous?.commit === commit).map((t) => t.cluster);
      const size = resolveQuantity(wspec.maxParallel, w.targets.length, true);
      const batches: string[][] = [];
      for (let i = 0; i < changed.length; i += size) batches.push(changed.slice(i, i + size));
      const minimumMs = Math.max(1, batches.length) * wspec.bakeMs;
      return { name: w.name, implicit: w.implicit, approval: wspec.approval, maxParallel: formatQuantity(wspec.maxParallel), bake: formatDuration(wspec.bakeMs), batches, unchanged, minimumMs };
    });
    return { stage: name, approval: spec.approval, auto: name !== stage, waves, minimumMs: waves.reduce((n, w) => n + w.minimumMs, 0) };
  });
  const minimumMs = stages.reduce((n, s) => n + s.minimumMs, 0);
  return { commit, stage, blockedBy, stages, minimumMs, minimum: `${formatDuration(minimumMs)}${approvals ? ` plus ${approvals} approval${approvals === 1 ? '' : 's'}` : ''} (${shortCommit(commit)})`, approvals };
}
