// Watch streams (`?watch=1`): JSON lines of {type, object}, resourceVersion semantics, selector-aware
// ADDED/DELETED transitions, BOOKMARK events, 410 Expired as an ERROR event, and timeoutSeconds on the cluster clock.

import type { CancelTimer } from '../clock/index.js';
import { isApiError } from '../errors/index.js';
import type { HandlerContext } from '../handlers/context.js';
import { present, printerColumns } from '../handlers/context.js';
import { table, wantsTable } from '../handlers/table.js';
import type { StoreEvent, WatchFilter } from '../store/index.js';
import { matchesLabels } from '@flotilla/kube-schema';
import { parseFieldSelector, parseLabelSelector } from '../selectors/index.js';
import type { KubeObject } from '../types/index.js';
import { groupVersion } from '../types/index.js';

/** How often (cluster clock) an idle watch with allowWatchBookmarks gets a BOOKMARK; the real cache uses about a minute. */
export const BOOKMARK_INTERVAL_MS = 60_000;

type Matcher = (o: KubeObject) => boolean;

function matcher(ctx: HandlerContext): Matcher {
  const q = ctx.info.query;
  const labels = parseLabelSelector(q.get('labelSelector') ?? '');
  const fieldsRaw = q.get('fieldSelector') ?? '';
  // Validate field selectors up front through the store's own rules (400 for unsupported labels).
  if (fieldsRaw) ctx.store.list(ctx.type, { fieldSelector: fieldsRaw, limit: 1 });
  const fields = fieldsRaw ? parseFieldSelector(fieldsRaw) : [];
  const read = (o: KubeObject, f: string): string =>
    f === 'metadata.name' ? (o.metadata.name ?? '') : f === 'metadata.namespace' ? (o.metadata.namespace ?? '') : (ctx.type.fieldSelectors?.[f]?.(o) ?? '');
  return (o) => matchesLabels(labels, o.metadata.labels) && fields.every((r) => (read(o, r.field) === r.value) !== r.negate);
}

export function watch(ctx: HandlerContext): void {
  const { req, res, store, info, type } = ctx;
  const q = info.query;
  const match = matcher(ctx);
  const asTable = wantsTable(req.headers.accept);
  const printer = asTable ? printerColumns(ctx) : undefined;
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const rv = q.get('resourceVersion') ?? '';
  const initial = q.get('sendInitialEvents') === 'true' || rv === '' || rv === '0';
  const filter: WatchFilter = { group: type.group, resource: type.resource };
  if (info.namespace) filter.namespace = info.namespace;
  if (info.name) filter.name = info.name;

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (eventType: string, object: unknown): void => {
    if (!res.writableEnded) res.write(JSON.stringify({ type: eventType, object }) + '\n');
  };
  const render = (o: KubeObject): unknown => {
    const p = present(o, type, info.version);
    return asTable ? table(type, [p], { resourceVersion: o.metadata.resourceVersion }, q.get('includeObject'), store.clock.now(), printer) : p;
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion() };
    if (annotations) metadata.annotations = annotations;
    send('BOOKMARK', { kind: type.kind, apiVersion: groupVersion(type.group, info.version), metadata });
  };

  const onEvent = (e: StoreEvent): void => {
    const now = e.type !== 'DELETED' && match(e.object);
    const before = e.type === 'MODIFIED' ? !!e.previous && match(e.previous) : e.type === 'DELETED' && match(e.object);
    if (e.type === 'ADDED' && now) send('ADDED', render(e.object));
    else if (e.type === 'DELETED' && before) send('DELETED', render(e.object));
    else if (e.type === 'MODIFIED') {
      if (now && before) send('MODIFIED', render(e.object));
      else if (now) send('ADDED', render(e.object));
      else if (before) send('DELETED', render(e.object));
    }
  };

  let stop: () => void = () => {};
  let cancelBookmark: CancelTimer = () => {};
  let cancelTimeout: CancelTimer = () => {};
  const finish = (): void => {
    stop();
    cancelBookmark();
    cancelTimeout();
    if (!res.writableEnded) res.end();
  };
  req.on('close', finish);
  res.on('close', finish);

  if (initial) {
    const listOpts: { namespace?: string } = {};
    if (info.namespace) listOpts.namespace = info.namespace;
    for (const o of store.list(type, listOpts).items) if ((!info.name || o.metadata.name === info.name) && match(o)) send('ADDED', render(o));
    if (q.get('sendInitialEvents') === 'true' && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    stop = store.watch(filter, onEvent);
  } else {
    try {
      stop = store.watch(filter, onEvent, { sinceResourceVersion: rv });
    } catch (e) {
      if (isApiError(e)) send('ERROR', e.toStatus());
      finish();
      return;
    }
  }

  if (bookmarks) {
    const arm = (): void => {
      cancelBookmark = store.clock.after(BOOKMARK_INTERVAL_MS, () => {
        bookmark();
        arm();
      });
    };
    arm();
  }
  const timeout = Number(q.get('timeoutSeconds') ?? '');
  if (Number.isFinite(timeout) && timeout > 0) cancelTimeout = store.clock.after(timeout * 1000, finish);
}
