// Parses a request path into what is asked (group, version, namespace, resource, name, subresource, verb), like
// k8s.io/apiserver/pkg/endpoints/request.RequestInfoFactory.

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix?: 'api' | 'apis';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  subresource: string;
  name: string;
  query: URLSearchParams;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfo(method: string, url: string): RequestInfo {
  const u = new URL(url, 'https://sim.invalid');
  const path = u.pathname;
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const base: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), group: '', version: '', resource: '', subresource: '', name: '', query: u.searchParams };
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return base;
  let rest = parts.slice(1);
  const info: RequestInfo = { ...base, apiPrefix: prefix };
  if (prefix === 'apis') {
    if (rest.length < 1) return info;
    info.group = rest[0]!;
    rest = rest.slice(1);
  }
  if (rest.length < 1) return info;
  info.version = rest[0]!;
  rest = rest.slice(1);
  if (rest.length < 1) return info;
  info.isResourceRequest = true;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    info.namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';
  if (rest[0] === 'namespaces' && info.namespace !== undefined && rest.length > 1 && rest[1] === info.namespace) {
    // /api/v1/namespaces/{name}[/status]: the namespace object itself, not something inside it.
    info.namespace = undefined;
  }
  const watch = u.searchParams.get('watch');
  const isWatch = watch === 'true' || watch === '1';
  switch (method) {
    case 'POST':
      info.verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      info.verb = info.name ? 'get' : isWatch ? 'watch' : 'list';
      if (info.name && isWatch) info.verb = 'watch';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
    default:
      info.verb = method.toLowerCase();
  }
  return info;
}
