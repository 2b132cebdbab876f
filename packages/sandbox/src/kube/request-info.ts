/**
 * Parses a request path the way kube-apiserver's `RequestInfoFactory` does, including its
 * quirk that `/api/v1/namespaces/<name>` is authorized with namespace = `<name>`.
 */
export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; or the lower-cased HTTP method for non-resource requests. */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

// Subresources of a namespace that are not namespaced resources in their own right.
const namespaceSubresources = new Set(['status', 'finalize']);

/** Builds the request info for `method` on `path` with the given query. */
export function parseRequestInfo(
  method: string,
  path: string,
  query: URLSearchParams,
): RequestInfo {
  const nonResource: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
  };
  const parts = path.split('/').filter(p => p.length > 0);
  let rest: string[];
  let apiGroup = '';
  let apiVersion: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    apiVersion = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    apiGroup = parts[1];
    apiVersion = parts[2];
    rest = parts.slice(3);
  } else {
    return nonResource;
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) {
      rest = rest.slice(2);
    }
  }
  const resource = rest[0];
  const name = rest.length >= 2 ? rest[1] : undefined;
  const subresource = rest.length >= 3 ? rest[2] : undefined;

  let verb: string;
  switch (method.toUpperCase()) {
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    case 'GET':
    case 'HEAD': {
      if (['true', '1'].includes(query.get('watch') ?? '')) verb = 'watch';
      else verb = name ? 'get' : 'list';
      break;
    }
    default:
      verb = method.toLowerCase();
  }
  return {
    isResourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
  };
}
