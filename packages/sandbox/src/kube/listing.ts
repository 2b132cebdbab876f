/*
 * `list`: selectors, then paging with continue tokens that carry the revision the list
 * started at, as kube-apiserver's etcd3 store makes them (410 Expired once compacted).
 */
import { badRequest, expiredContinue } from './errors';
import { apiVersionOf, KubeObject, ResourceType } from './resources';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import type { ObjectStore } from './store';

/** Options for a list call, taken from the query string. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

const keyOf = (o: KubeObject) =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

function encodeContinue(key: string, revision: number): string {
  return Buffer.from(JSON.stringify({ k: key, rv: revision })).toString(
    'base64url',
  );
}

/** The key to continue after and the revision to list at (rv -1: at the current one). */
function decodeContinue(
  text: string,
  compactedRevision: number,
): { after: string; revision: number } {
  let token: { k?: unknown; rv?: unknown };
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString());
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  if (typeof token?.k !== 'string' || typeof token.rv !== 'number') {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (token.rv >= 0 && token.rv <= compactedRevision) {
    // The inconsistent continuation a 410 offers: the rest, served at the current revision.
    throw expiredContinue(encodeContinue(token.k, -1));
  }
  return { after: token.k, revision: token.rv };
}

export function listObjects(options: {
  store: ObjectStore;
  type: ResourceType;
  namespace: string | undefined;
  opts: ListOptions;
  compactedRevision: number;
  present: (obj: KubeObject) => KubeObject;
}): KubeObject {
  const { store, type, opts } = options;
  const labelReqs = opts.labelSelector
    ? parseLabelSelector(opts.labelSelector)
    : [];
  const fieldReqs = opts.fieldSelector
    ? parseFieldSelector(opts.fieldSelector)
    : [];
  let items = store
    .list(type, options.namespace)
    .filter(
      o =>
        matchesLabels(labelReqs, o.metadata?.labels) &&
        matchesFields(fieldReqs, o),
    );
  let listRevision = Number(store.currentResourceVersion());
  if (opts.continueToken) {
    const { after, revision } = decodeContinue(
      opts.continueToken,
      options.compactedRevision,
    );
    if (revision >= 0) listRevision = revision;
    items = items.filter(o => keyOf(o) > after);
  }
  const metadata: Record<string, unknown> = {
    resourceVersion: String(listRevision),
  };
  if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
    items = items.slice(0, opts.limit);
    metadata.continue = encodeContinue(
      keyOf(items[items.length - 1]),
      listRevision,
    );
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata,
    // Like kube-apiserver's typed lists, items carry no apiVersion/kind of their own.
    items: items.map(o => {
      const { apiVersion: _a, kind: _k, ...rest } = options.present(o);
      return rest;
    }),
  } as KubeObject;
}
