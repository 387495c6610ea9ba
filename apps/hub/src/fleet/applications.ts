// Applications: validated once here, and written together with the desired-state change a new selector implies.
import { eq } from 'drizzle-orm';
import { dns1123LabelProblem, parseLabelSelector } from '@flotilla/kube-schema';
import { FlotillaError } from '../errors/index.js';
import { appReleases, applications, clusterAppStatuses } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import { reconcileDesiredState } from './desired-state.js';

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
}

export interface ApplicationView {
  name: string;
  repoUrl: string;
  path: string;
  clusterSelector: string;
  defaultNamespace: string;
  renderEngine: RenderEngineName;
  /** The commit of the latest promotion, undefined until the application is first promoted. */
  currentCommit: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

function invalid(field: string, problem: string): FlotillaError {
  return new FlotillaError('InvalidArgument', `${field}: ${problem}`, { field });
}

export function validateApplication(input: ApplicationInput): Required<ApplicationInput> {
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
  return { name: input.name, repoUrl: input.repoUrl, path, clusterSelector: selector.trim(), defaultNamespace, renderEngine };
}

type Executor = Database | Transaction;

export async function findApplication(ex: Executor, name: string): Promise<ApplicationView | undefined> {
  const [row] = await ex
    .select({ app: applications, commit: appReleases.commit })
    .from(applications)
    .leftJoin(appReleases, eq(appReleases.app, applications.name))
    .where(eq(applications.name, name));
  return row ? toView(row.app, row.commit) : undefined;
}

export async function listApplicationViews(ex: Executor): Promise<ApplicationView[]> {
  const rows = await ex
    .select({ app: applications, commit: appReleases.commit })
    .from(applications)
    .leftJoin(appReleases, eq(appReleases.app, applications.name))
    .orderBy(applications.name);
  return rows.map((r) => toView(r.app, r.commit));
}

function toView(row: typeof applications.$inferSelect, commit: string | null): ApplicationView {
  return {
    name: row.name,
    repoUrl: row.repoUrl,
    path: row.path,
    clusterSelector: row.clusterSelector,
    defaultNamespace: row.defaultNamespace,
    renderEngine: row.renderEngine,
    currentCommit: commit ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Creates or replaces an application; returns it and the clusters whose desired state changed. */
export async function upsertApplication(tx: Transaction, input: ApplicationInput, now: Date): Promise<{ application: ApplicationView; changed: string[] }> {
  const app = validateApplication(input);
  await tx
    .insert(applications)
    .values({ ...app, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: applications.name,
      set: { repoUrl: app.repoUrl, path: app.path, clusterSelector: app.clusterSelector, defaultNamespace: app.defaultNamespace, renderEngine: app.renderEngine, updatedAt: now },
    });
  const changed = await reconcileDesiredState(tx, now);
  const application = await findApplication(tx, app.name);
  if (!application) throw new FlotillaError('Internal', `application "${app.name}" vanished while being written`);
  return { application, changed };
}

/** Deletes an application; every cluster that ran it gets a snapshot without it (its agent prunes it). */
export async function removeApplication(tx: Transaction, name: string, now: Date): Promise<string[]> {
  const deleted = await tx.delete(applications).where(eq(applications.name, name)).returning({ name: applications.name });
  if (deleted.length === 0) throw new FlotillaError('NotFound', `application "${name}" not found`);
  await tx.delete(clusterAppStatuses).where(eq(clusterAppStatuses.app, name));
  return reconcileDesiredState(tx, now);
}
