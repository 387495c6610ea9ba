// The inputs of every user-facing operation as strict zod schemas, shared by REST (body/params/query validation and the
// OpenAPI document) and gRPC (the same checks on the decoded request), so both edges accept exactly the same things.
import { z } from 'zod';
import { dns1123LabelProblem, parseLabelSelector } from '@flotilla/kube-schema';
import { roles } from '../auth/index.js';
import { renderEngines } from '../fleet/index.js';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

const integer = () => z.int({ error: 'expected integer' });
const text = () => z.string({ error: 'expected string' });

const dnsLabel = () =>
  text().superRefine((value, ctx) => {
    const problem = dns1123LabelProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const selector = () =>
  text().superRefine((value, ctx) => {
    const parsed = parseLabelSelector(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem.message });
  });

const httpUrl = () =>
  text().superRefine((value, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an http(s) URL` });
    } else if (url.username || url.password) {
      // Git credentials belong in each cluster (FLOTILLA_GIT_CREDENTIALS_FILE), never on the hub; don't echo them back.
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials: configure them on the agents' });
    }
  });

const repoPath = () =>
  text().superRefine((value, ctx) => {
    if (value.startsWith('/') || value.split('/').includes('..')) {
      ctx.addIssue({ code: 'custom', message: `"${value}" must be a path inside the repository (relative, no "..")` });
    }
  });

export const createRegistrationTokenInput = z.strictObject({
  description: text().max(500).optional(),
  ttlSeconds: integer().min(1).max(YEAR_SECONDS).optional().describe('lifetime in seconds; default 86400 (24 hours)'),
  maxUses: integer().min(0).optional().describe('registrations allowed; 0 or absent = unlimited until expiry'),
});

export const createApiTokenInput = z.strictObject({
  name: text().min(1).max(100),
  role: z.enum(roles, { error: `expected one of ${roles.join(', ')}` }),
  ttlSeconds: integer().min(1).max(10 * YEAR_SECONDS).optional().describe('lifetime in seconds; absent = no expiry'),
});

export const listClustersInput = z.strictObject({
  labelSelector: selector().optional().describe('Kubernetes label selector, e.g. "env=prod,region in (eu,us)"'),
  includeRevoked: z.enum(['true', 'false']).optional().describe('also list revoked clusters (default false)'),
});

export const applicationBody = z.strictObject({
  repoUrl: httpUrl(),
  path: repoPath(),
  clusterSelector: selector().optional(),
  defaultNamespace: text().optional(),
  renderEngine: z
    .enum(renderEngines, { error: `expected one of ${renderEngines.join(', ')}` })
    .optional()
    .describe('how agents render the path; default builtin. kustomize-binary runs only on agents whose admin configured it'),
  stages: z
    .array(z.unknown())
    .optional()
    .describe('the pipeline: stages {name, after, selector, autoPromote, onFailure, approval, waves: [{name, selector, maxParallel, bake, progressDeadline, maxUnhealthy, approval, offline, staleAfter}]}; absent: one stage "default" of clusterSelector'),
});

export const applicationName = dnsLabel();

const commitId = () =>
  text()
    .regex(/^[0-9a-fA-F]{40}$/, 'expected a full commit id: 40 hexadecimal characters')
    .transform((commit) => commit.toLowerCase());

export const createPromotionInput = z
  .strictObject({
    app: dnsLabel(),
    commit: commitId().optional().describe('the commit to promote; or give ref'),
    ref: text().min(1).max(255).optional().describe('a branch or tag the hub resolves to a commit (public repositories)'),
    stage: dnsLabel().optional().describe("the stage to enter; default: the pipeline's only first stage"),
    force: z.boolean({ error: 'expected true or false' }).optional().describe('enter the stage although its upstream stages have not succeeded with the commit (admin; recorded)'),
  })
  .refine((v) => v.commit !== undefined || v.ref !== undefined, { message: 'one of commit or ref is required', path: ['commit'] });

export const previewInput = z
  .strictObject({
    commit: commitId().optional(),
    ref: text().min(1).max(255).optional(),
    stage: dnsLabel().optional(),
  })
  .refine((v) => v.commit !== undefined || v.ref !== undefined, { message: 'one of commit or ref is required', path: ['commit'] });

export const listPromotionsInput = z.strictObject({
  app: dnsLabel().optional(),
  limit: z.coerce.number({ error: 'expected integer' }).int().min(1).max(500).optional().describe('page size, default 50'),
  before: z.coerce.number({ error: 'expected integer' }).int().min(0).optional().describe('the `next` cursor of the previous page'),
});

export const commandInput = z.strictObject({
  reason: text().max(1000).optional(),
  stage: dnsLabel().optional().describe('approve/reject: the gate\'s stage (default: the one waiting)'),
  wave: dnsLabel().optional().describe('approve/reject: the gate\'s wave'),
});

export const stageRollbackInput = z.strictObject({
  commit: commitId().optional().describe('a commit the stage succeeded with before; default: the one before its current release'),
});

export const clusterLabelsInput = z.strictObject({
  labels: z.record(text(), text()).describe('the complete new label set'),
});

export const stageParams = z.strictObject({ name: applicationName, stage: dnsLabel() });

export const idParams = z.strictObject({ id: text().min(1) });
export const nameParams = z.strictObject({ name: text().min(1) });
export const applicationParams = z.strictObject({ name: applicationName });

export type CreateRegistrationTokenInput = z.infer<typeof createRegistrationTokenInput>;
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;
export type ApplicationBody = z.infer<typeof applicationBody>;
export type CreatePromotionInput = z.infer<typeof createPromotionInput>;
export type CommandInput = z.infer<typeof commandInput>;
export type PreviewInput = z.infer<typeof previewInput>;

export const eventsInput = z.strictObject({
  app: dnsLabel().optional(),
  promotion: text().min(1).max(100).optional(),
  after: z.coerce.number({ error: 'expected integer' }).int().min(0).optional().describe('sequence number to start after (SSE clients send Last-Event-ID instead)'),
});
