/*
 * `?watch=true`: a stream of newline-delimited `{"type", "object"}` events, as kube-apiserver
 * sends them. From resourceVersion "" or "0" the stream starts with an ADDED event for every
 * current object; from a later resourceVersion it replays the retained history (410 Expired
 * once that was compacted). Selectors are applied to each event's object, with the
 * transitions upstream's watch cache makes (an object that stops matching is DELETED).
 * Enough for informers, `kubectl get -w`, `kubectl wait` and `kubectl delete`'s wait.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResourceApi } from './api';
import { badRequest, KubeStatusError } from './errors';
import { KubeObject, ResourceType, apiVersionOf } from './resources';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { StoreEvent, typeKey } from './store';
import { toTable } from './table';

const objectKeyOf = (o: KubeObject) =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function expired(requested: string, current: string): unknown {
  return new KubeStatusError({
    code: 410,
    reason: 'Expired',
    message: `too old resource version: ${requested} (${current})`,
  }).toStatus();
}

/** Serves one watch request until it times out or the client goes away. */
export function serveWatch(options: {
  req: IncomingMessage;
  res: ServerResponse;
  api: ResourceApi;
  type: ResourceType;
  namespace?: string;
  name?: string;
  query: URLSearchParams;
  table: boolean;
}): void {
  const { res, api, type, namespace, query } = options;
  const store = api.objects;
  const labelText = query.get('labelSelector');
  const labels = labelText ? parseLabelSelector(labelText) : [];
  const fieldText = [
    query.get('fieldSelector'),
    options.name ? `metadata.name=${options.name}` : '',
  ]
    .filter(Boolean)
    .join(',');
  const fields = fieldText ? parseFieldSelector(fieldText) : [];
  const rv = query.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) {
    throw badRequest(
      `resourceVersion: Invalid value: "${rv}": must be an integer`,
    );
  }
  const timeout = Number(query.get('timeoutSeconds') ?? 1800);
  const matches = (o: KubeObject) =>
    (!type.namespaced || !namespace || o.metadata?.namespace === namespace) &&
    matchesLabels(labels, o.metadata?.labels) &&
    matchesFields(fields, o);

  res.writeHead(200, {
    'Content-Type': options.table
      ? 'application/json;as=Table;v=v1;g=meta.k8s.io'
      : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  const write = (kind: string, object: unknown) =>
    res.write(`${JSON.stringify({ type: kind, object })}\n`);
  const present = (o: KubeObject): unknown => {
    const full = {
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      // A copy: the event's object is the stored one, and present() fills in status.
      ...api.present(type, structuredClone(o)),
    };
    if (!options.table) return full;
    return toTable({
      type,
      objects: [full],
      listMetadata: { resourceVersion: full.metadata?.resourceVersion },
      includeObject: query.get('includeObject') ?? undefined,
    });
  };

  const seen = new Set<string>();
  const deliver = (event: StoreEvent) => {
    if (event.typeKey !== typeKey(type)) return;
    const key = objectKeyOf(event.object);
    const was = seen.has(key);
    const now = event.type !== 'DELETED' && matches(event.object);
    if (now) seen.add(key);
    else seen.delete(key);
    if (was && now) write('MODIFIED', present(event.object));
    else if (!was && now) write('ADDED', present(event.object));
    else if (was && !now) write('DELETED', present(event.object));
  };

  const unsubscribe = store.subscribe(deliver);
  if (rv === '' || rv === '0') {
    for (const o of store.list(type, namespace)) {
      if (!matches(o)) continue;
      seen.add(objectKeyOf(o));
      write('ADDED', present(o));
    }
  } else {
    const past = store.eventsSince(Number(rv));
    if (!past) {
      write('ERROR', expired(rv, store.currentResourceVersion()));
      unsubscribe();
      res.end();
      return;
    }
    // Objects that matched at the requested revision are those the client already has.
    for (const o of store.list(type, namespace)) {
      if (matches(o) && Number(o.metadata?.resourceVersion) <= Number(rv)) {
        seen.add(objectKeyOf(o));
      }
    }
    for (const event of past) {
      // An object deleted since then was known to the client if it matched.
      if (event.type === 'DELETED' && event.typeKey === typeKey(type)) {
        if (matches(event.object)) write('DELETED', present(event.object));
        seen.delete(objectKeyOf(event.object));
      } else {
        deliver(event);
      }
    }
  }
  const timer = setTimeout(() => res.end(), Math.max(timeout, 1) * 1000);
  res.on('close', () => {
    clearTimeout(timer);
    unsubscribe();
  });
}
