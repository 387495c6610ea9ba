// What every resource handler receives: the cluster's store, the parsed request and the authenticated user.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from '../auth/index.js';
import type { RequestInfo } from '../server/request-info.js';
import type { ObjectStore } from '../store/index.js';
import type { KubeObject, ResourceType } from '../types/index.js';
import { groupVersion } from '../types/index.js';
import { badRequest } from '../errors/index.js';
import type { CrdSpec } from '../crd/index.js';
import type { PrinterColumn } from './table.js';

export interface HandlerContext {
  store: ObjectStore;
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  user: User;
  type: ResourceType;
}

/** The object as the request's version presents it (versions of one type share one schema here). */
export function present(obj: KubeObject, t: ResourceType, version: string): KubeObject {
  const apiVersion = groupVersion(t.group, version);
  return obj.apiVersion === apiVersion && obj.kind === t.kind ? obj : { ...obj, apiVersion, kind: t.kind };
}

export function isDryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${v}; only "All" is supported`);
  return values.length > 0;
}

/** The manager name for non-apply writes: `fieldManager`, else the User-Agent's first word like the apiserver. */
export function fieldManagerFor(ctx: HandlerContext): string {
  const m = ctx.info.query.get('fieldManager');
  if (m) return m;
  const ua = ctx.req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0]!.slice(0, 128) || 'unknown';
}

/** The additionalPrinterColumns of a custom resource's CRD version (for Table output). */
export function printerColumns(ctx: HandlerContext): PrinterColumn[] | undefined {
  if (ctx.type.builtIn) return undefined;
  const crd = ctx.store.get({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }, undefined, `${ctx.type.resource}.${ctx.type.group}`);
  return (crd?.spec as CrdSpec | undefined)?.versions?.find((v) => v.name === ctx.info.version)?.additionalPrinterColumns;
}
