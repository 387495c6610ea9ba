// The one command table: every API operation as words, arguments, the HTTP call it makes and how its reply prints.
import * as f from '../output/formatters.js';
import type { ApiToken, Application, Cluster, History, Preview, Promotion, RegistrationToken } from '../output/views.js';
import { applyCommand, commandOf, eventsCommand, labelCommand, loginCommand, promoteCommand } from './flows.js';
import { arg, defined, enc, int, str } from './spec.js';
import type { CommandSpec, Invocation } from './spec.js';

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : [value as T]);

const commitOrRef = (inv: Invocation) => defined({ commit: inv.args['COMMIT'], ref: str(inv, 'ref'), stage: str(inv, 'stage') });

const promotionCommands = (['approve', 'reject', 'pause', 'resume', 'abort', 'rollback'] as const).map(commandOf);

export const commands: CommandSpec[] = [
  loginCommand,
  applyCommand,
  {
    words: ['get', 'applications'],
    args: ['NAME?'],
    summary: 'List applications, or get one, with pipeline, revision and releases',
    request: (inv) => (inv.args['NAME'] ? { method: 'GET', path: `/api/v1/applications/${enc(inv.args['NAME'])}`, unwrap: 'application' } : { method: 'GET', path: '/api/v1/applications', unwrap: 'applications' }),
    format: (v, _inv, now) => f.applications(list<Application>(v), now) || 'No applications.\n',
  },
  {
    words: ['get', 'clusters'],
    args: ['NAME?'],
    summary: 'List clusters (by label selector), or get one, with connection and per-app status',
    options: {
      selector: { type: 'string', short: 'l', help: 'SELECTOR  label selector, e.g. "env=prod,region in (eu,us)"' },
      'include-revoked': { type: 'boolean', help: 'also list revoked clusters' },
    },
    request: (inv) =>
      inv.args['NAME']
        ? { method: 'GET', path: `/api/v1/clusters/${enc(inv.args['NAME'])}`, unwrap: 'cluster' }
        : { method: 'GET', path: '/api/v1/clusters', query: { labelSelector: str(inv, 'selector'), includeRevoked: inv.opts['include-revoked'] === true ? 'true' : undefined }, unwrap: 'clusters' },
    format: (v, _inv, now) => f.clusters(list<Cluster>(v), now) || 'No clusters.\n',
  },
  {
    words: ['get', 'promotions'],
    args: ['ID?'],
    summary: 'List promotions, newest first, or get one',
    options: {
      app: { type: 'string', help: 'APP  only this application' },
      limit: { type: 'string', help: 'N  page size (default 50)' },
      before: { type: 'string', help: 'CURSOR  the page after this `next` cursor' },
    },
    request: (inv) =>
      inv.args['ID']
        ? { method: 'GET', path: `/api/v1/promotions/${enc(inv.args['ID'])}`, unwrap: 'promotion' }
        : { method: 'GET', path: '/api/v1/promotions', query: { app: str(inv, 'app'), limit: int(inv, 'limit'), before: int(inv, 'before') }, unwrap: 'promotions' },
    format: (v, _inv, now) => f.promotions(list<Promotion>(v), now) || 'No promotions.\n',
  },
  {
    words: ['describe', 'promotion'],
    args: ['ID'],
    summary: 'Show a promotion: stages, waves healthy/total, each cluster\'s phase and note, recent events',
    options: { events: { type: 'string', help: 'N  how many recent events to show (default 20)' } },
    request: (inv) => ({ method: 'GET', path: `/api/v1/promotions/${enc(arg(inv, 'ID'))}`, unwrap: 'promotion' }),
    format: (v, inv) => f.describePromotion(v as Promotion, int(inv, 'events') ?? 20),
  },
  promoteCommand,
  {
    words: ['preview'],
    args: ['APP', 'COMMIT?'],
    usage: '(COMMIT|--ref REF)',
    summary: 'Dry-run a promotion: clusters per wave in order (batches), gates and the shortest time',
    options: { ref: { type: 'string', help: 'REF  a branch or tag the hub resolves' }, stage: { type: 'string', help: 'S  the stage to enter (default: the first)' } },
    request: (inv) => ({ method: 'POST', path: `/api/v1/applications/${enc(arg(inv, 'APP'))}/preview`, body: commitOrRef(inv), unwrap: 'preview' }),
    format: (v, inv) => f.preview(v as Preview, arg(inv, 'APP')),
  },
  ...promotionCommands,
  {
    words: ['rollback-stage'],
    args: ['APP', 'STAGE'],
    summary: 'Promote a stage back to a commit it succeeded with before (default: the one before its current release)',
    options: { commit: { type: 'string', help: 'C  the commit to go back to' } },
    request: (inv) => ({ method: 'POST', path: `/api/v1/applications/${enc(arg(inv, 'APP'))}/stages/${enc(arg(inv, 'STAGE'))}/rollback`, body: defined({ commit: str(inv, 'commit') }), unwrap: 'promotion' }),
    format: (v) => `promotion/${(v as Promotion).id} created: ${(v as Promotion).state}: ${(v as Promotion).message}\n`,
  },
  {
    words: ['history'],
    args: ['APP'],
    summary: "Each stage's releases (and rollbacks), newest first",
    request: (inv) => ({ method: 'GET', path: `/api/v1/applications/${enc(arg(inv, 'APP'))}/history`, unwrap: 'stages' }),
    format: (v) => f.history(v as History),
  },
  labelCommand,
  {
    words: ['delete', 'application'],
    args: ['NAME'],
    summary: 'Delete an application; its clusters prune it',
    request: (inv) => ({ method: 'DELETE', path: `/api/v1/applications/${enc(arg(inv, 'NAME'))}`, done: `application/${arg(inv, 'NAME')} deleted\n` }),
  },
  {
    words: ['delete', 'cluster'],
    args: ['NAME'],
    summary: 'Revoke and delete a cluster',
    request: (inv) => ({ method: 'DELETE', path: `/api/v1/clusters/${enc(arg(inv, 'NAME'))}`, done: `cluster/${arg(inv, 'NAME')} deleted\n` }),
  },
  {
    words: ['revoke', 'cluster'],
    args: ['NAME'],
    summary: "Revoke a cluster's credential and close its stream",
    request: (inv) => ({ method: 'POST', path: `/api/v1/clusters/${enc(arg(inv, 'NAME'))}/revoke`, unwrap: 'cluster' }),
    format: (v) => `cluster/${(v as Cluster).name} revoked\n`,
  },
  {
    words: ['token', 'create-registration'],
    args: [],
    summary: 'Create a bootstrap token for agents (its secret is shown once)',
    options: {
      'max-uses': { type: 'string', help: 'N  registrations allowed (default: unlimited until expiry)' },
      ttl: { type: 'string', help: 'SECONDS  lifetime (default 86400)' },
      description: { type: 'string', help: 'TEXT  what it is for' },
    },
    request: (inv) => ({ method: 'POST', path: '/api/v1/registration-tokens', body: defined({ maxUses: int(inv, 'max-uses'), ttlSeconds: int(inv, 'ttl'), description: str(inv, 'description') }) }),
    format: (v) => {
      const { token, secret } = v as { token: RegistrationToken; secret: string };
      return `${f.registrationTokens([token])}\nsecret (shown once): ${secret}\n`;
    },
  },
  {
    words: ['token', 'list-registration'],
    args: [],
    summary: 'List bootstrap tokens',
    request: () => ({ method: 'GET', path: '/api/v1/registration-tokens', unwrap: 'tokens' }),
    format: (v) => f.registrationTokens(v as RegistrationToken[]) || 'No registration tokens.\n',
  },
  {
    words: ['token', 'revoke-registration'],
    args: ['ID'],
    summary: 'Revoke a bootstrap token',
    request: (inv) => ({ method: 'DELETE', path: `/api/v1/registration-tokens/${enc(arg(inv, 'ID'))}`, unwrap: 'token' }),
    format: (v) => `registration token ${(v as RegistrationToken).id} revoked\n`,
  },
  {
    words: ['token', 'create'],
    args: ['NAME'],
    summary: 'Create an API token (its secret is shown once)',
    options: { role: { type: 'string', help: 'ROLE  viewer, promoter or admin' }, ttl: { type: 'string', help: 'SECONDS  lifetime (default: no expiry)' } },
    request: (inv) => ({ method: 'POST', path: '/api/v1/tokens', body: defined({ name: arg(inv, 'NAME'), role: str(inv, 'role'), ttlSeconds: int(inv, 'ttl') }) }),
    format: (v) => {
      const { token, secret } = v as { token: ApiToken; secret: string };
      return `${f.apiTokens([token])}\nsecret (shown once): ${secret}\n`;
    },
  },
  {
    words: ['token', 'list'],
    args: [],
    summary: 'List API tokens',
    request: () => ({ method: 'GET', path: '/api/v1/tokens', unwrap: 'tokens' }),
    format: (v) => f.apiTokens(v as ApiToken[]) || 'No API tokens.\n',
  },
  {
    words: ['token', 'revoke'],
    args: ['ID'],
    summary: 'Revoke an API token',
    request: (inv) => ({ method: 'DELETE', path: `/api/v1/tokens/${enc(arg(inv, 'ID'))}`, unwrap: 'token' }),
    format: (v) => `API token ${(v as ApiToken).id} revoked\n`,
  },
  eventsCommand,
  {
    words: ['ca'],
    args: [],
    summary: "Print the hub's CA certificate (PEM), for agents and `login --ca`",
    request: () => ({ method: 'GET', path: '/api/v1/ca' }),
    format: (v) => String(v),
  },
];

/** Other words users type for the resources (kubectl habits). */
export const resourceAliases: Record<string, string> = {
  app: 'applications',
  apps: 'applications',
  application: 'applications',
  cluster: 'clusters',
  promotion: 'promotions',
};

/** The words of the second position, per verb, in their canonical form. */
export function canonicalWords(words: string[]): string[] {
  const [verb, noun] = words;
  if (noun === undefined) return words;
  if (verb === 'get') return [verb, resourceAliases[noun] ?? noun];
  if (verb === 'delete' || verb === 'describe' || verb === 'revoke' || verb === 'label') {
    const plural = resourceAliases[noun] ?? noun;
    return [verb, plural.replace(/s$/, '')];
  }
  return words;
}
