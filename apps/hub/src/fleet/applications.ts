// Applications: validated once here, and written together with the desired-state change a new selector implies.
import { and, eq, isNull } from 'drizzle-orm';
import { dns1123LabelProblem, parseLabelSelector } from '@flotilla/kube-schema';
import { FlotillaError } from '../errors/index.js';
import { checkPlacement, parsePipeline, pipelineView } from '../rollout/pipeline/spec.js';
import type { PipelineSpec, SpecProblem } from '../rollout/pipeline/spec.js';
import { appRevisions, applications, clusterAppStatuses, clusters } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import { appendAppEvent, latestReleases, pipelineOf, reconcileDesiredState } from './desired-state.js';

/** How agents render an application: the built-in engine, or a kustomize binary the cluster admin configured. */
export const renderEngines = ['builtin', 'kustomize-binary'] as const;
export type RenderEngineName = (typeof renderEngines)[number];

export interface ApplicationInput {
  name: string;
  repoUrl: string;
  path: string;
  /** Kubernetes label-selector syntax; empty selects every cluster. */
  clusterSelector?: string;
  defaultNamespace?: string;
  /** Absent means the built-in engine. */
  renderEngine?: RenderEngineName;
  /** The pipeline (validated here); absent: one stage, `default`, of the clusters clusterSelector picks. */
  stages?: unknown;
}

export interface ApplicationView {
  name: string;
  repoUrl: string;
  path: string;
  clusterSelector: string;
  defaultNamespace: string;
  renderEngine: RenderEngineName;
  /** Grows with every apply. */
  revision: number;
  /** True when the application declares its own stages. */
  declaresStages: boolean;
  pipeline: ReturnType<typeof pipelineView>;
  /** Each stage's last succeeded commit (where joining clusters start), undefined until one succeeded. */
  releases: Record<string, string | undefined>;
  /** Selectors matching no cluster today, and the like: allowed, but worth knowing. */
  warnings: SpecProblem[];
  createdAt: Date;
  updatedAt: Date;
}

function invalid(field: string, problem: string): FlotillaError {
  return new FlotillaError('InvalidArgument', `${field}: ${problem}`, { field });
}

export function validateApplication(input: ApplicationInput): Omit<Required<ApplicationInput>, 'stages'> & { pipeline: PipelineSpec | null } {
  const nameProblem = dns1123LabelProblem(input.name);
  if (nameProblem) throw invalid('application.name', nameProblem);
  let url: URL | undefined;
  try {
    url = new URL(input.repoUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid('application.repoUrl', `"${input.repoUrl}" is not an http(s) URL`);
  }
  const path = input.path.trim();
  if (path.startsWith('/') || path.split('/').includes('..')) {
    throw invalid('application.path', `"${input.path}" must be a path inside the repository (relative, no "..")`);
  }
  const selector = input.clusterSelector ?? '';
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw invalid('application.clusterSelector', parsed.problem.message);
  const defaultNamespace = input.defaultNamespace ?? '';
  const namespaceProblem = defaultNamespace === '' ? undefined : dns1123LabelProblem(defaultNamespace);
  if (namespaceProblem) throw invalid('application.defaultNamespace', namespaceProblem);
  const renderEngine = input.renderEngine ?? 'builtin';
  if (!renderEngines.includes(renderEngine)) throw invalid('application.renderEngine', `expected one of ${renderEngines.join(', ')}`);
  let pipeline: PipelineSpec | null = null;
  if (input.stages !== undefined) {
    const parsed = parsePipeline(input.stages, 'application.stages');
    if (!parsed.ok) throw invalidAll(parsed.problems);
    pipeline = parsed.pipeline;
  }
  return { name: input.name, repoUrl: input.repoUrl, path, clusterSelector: selector.trim(), defaultNamespace, renderEngine, pipeline };
}

function invalidAll(problems: SpecProblem[]): FlotillaError {
  return new FlotillaError('InvalidArgument', problems.map((p) => `${p.path}: ${p.reason}`).join('; '), { field: problems[0]!.path });
}

type Executor = Database | Transaction;

export async function findApplication(ex: Executor, name: string): Promise<ApplicationView | undefined> {
  const [row] = await ex.select().from(applications).where(eq(applications.name, name));
  if (!row) return undefined;
  return toView(row, await latestReleases(ex, [name]));
}

export async function listApplicationViews(ex: Executor): Promise<ApplicationView[]> {
  const rows = await ex.select().from(applications).orderBy(applications.name);
  const releases = await latestReleases(ex);
  return rows.map((r) => toView(r, releases));
}

function toView(row: typeof applications.$inferSelect, releases: Awaited<ReturnType<typeof latestReleases>>, warnings: SpecProblem[] = []): ApplicationView {
  const pipeline = pipelineOf(row);
  return {
    name: row.name,
    repoUrl: row.repoUrl,
    path: row.path,
    clusterSelector: row.clusterSelector,
    defaultNamespace: row.defaultNamespace,
    renderEngine: row.renderEngine,
    revision: row.revision,
    declaresStages: row.pipeline !== null,
    pipeline: pipelineView(pipeline),
    releases: Object.fromEntries(pipeline.stages.map((s) => [s.name, releases.get(`${row.name}\u0000${s.name}`)?.commit])),
    warnings,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Creates or replaces an application as a new revision. Promotions in flight keep the revision they started with and
 * pinned clusters keep theirs: no cluster moves, except that one joining a stage gets that stage's last succeeded commit.
 */
export async function upsertApplication(tx: Transaction, input: ApplicationInput, now: Date): Promise<{ application: ApplicationView; changed: string[] }> {
  const app = validateApplication(input);
  const live = await tx.select({ id: clusters.id, name: clusters.name, labels: clusters.labels }).from(clusters).where(isNull(clusters.revokedAt));
  const pipeline = pipelineOf({ pipeline: app.pipeline, clusterSelector: app.clusterSelector });
  const placement = checkPlacement(pipeline, live, 'application.stages');
  if (placement.problems.length > 0) throw invalidAll(placement.problems);
  const [previous] = await tx.select({ revision: applications.revision }).from(applications).where(eq(applications.name, app.name)).for('update');
  const revision = (previous?.revision ?? 0) + 1;
  const fields = { repoUrl: app.repoUrl, path: app.path, clusterSelector: app.clusterSelector, defaultNamespace: app.defaultNamespace, renderEngine: app.renderEngine, pipeline: app.pipeline, revision, updatedAt: now };
  await tx
    .insert(applications)
    .values({ name: app.name, ...fields, createdAt: now })
    .onConflictDoUpdate({ target: applications.name, set: fields });
  await tx.insert(appRevisions).values({ app: app.name, revision, repoUrl: app.repoUrl, path: app.path, defaultNamespace: app.defaultNamespace, renderEngine: app.renderEngine, clusterSelector: app.clusterSelector, pipeline: pipeline, createdAt: now });
  await appendAppEvent(tx, { app: app.name, type: 'Applied', reason: `revision ${revision} applied: ${pipeline.stages.map((s) => s.name).join(' -> ')}${placement.warnings.length ? `; ${placement.warnings.map((w) => w.reason).join('; ')}` : ''}` }, now);
  const changed = await reconcileDesiredState(tx, now);
  const [row] = await tx.select().from(applications).where(eq(applications.name, app.name));
  return { application: toView(row!, await latestReleases(tx, [app.name]), placement.warnings), changed };
}

/** The revision a promotion runs with: its source and its pipeline. */
export async function applicationRevision(ex: Executor, app: string, revision: number): Promise<{ pipeline: PipelineSpec; clusterSelector: string } | undefined> {
  const [row] = await ex.select().from(appRevisions).where(and(eq(appRevisions.app, app), eq(appRevisions.revision, revision)));
  return row ? { pipeline: pipelineOf(row), clusterSelector: row.clusterSelector } : undefined;
}

/** Deletes an application; every cluster that ran it gets a snapshot without it (its agent prunes it). */
export async function removeApplication(tx: Transaction, name: string, now: Date): Promise<string[]> {
  const deleted = await tx.delete(applications).where(eq(applications.name, name)).returning({ name: applications.name });
  if (deleted.length === 0) throw new FlotillaError('NotFound', `application "${name}" not found`);
  await tx.delete(clusterAppStatuses).where(eq(clusterAppStatuses.app, name));
  return reconcileDesiredState(tx, now);
}
