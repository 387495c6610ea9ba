// edge/: HTTP concerns around the REST API that do not depend on its routes (retry hints for now).
// Wiring: in buildRestApp (api/rest/app.ts) call addRetryAfter(app) before the routes; startHub calls it until then.
export { addRetryAfter } from './retry-after.js';
