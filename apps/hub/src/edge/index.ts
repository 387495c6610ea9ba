// edge/: HTTP concerns around the REST API that do not depend on its routes: retry hints, body text checks, bounded
// error answers. Wiring: in buildRestApp (api/rest/app.ts) call these before the routes; startHub calls them until then.
export { addRetryAfter } from './retry-after.js';
export { addBodyGuard, addErrorBound, boundedErrorBody, unstorableText, MAX_ERROR_BYTES } from './body-guard.js';
