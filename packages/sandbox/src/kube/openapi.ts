/*
 * Minimal OpenAPI v3 documents. kubectl (`apply`, `create -f`) fetches `/openapi/v3` to learn
 * whether the server validates fields itself: when the PATCH operation of a kind accepts the
 * `fieldValidation` query parameter, kubectl skips client-side schema validation and sends
 * `fieldValidation=Strict`. Without these documents kubectl refuses to apply (it cannot
 * download a schema to validate against).
 *
 * The documents describe operations, not schemas: the patch operations advertise no
 * strategic-merge request body, so kubectl's client-side apply computes its patches from its
 * built-in types, as it does for servers whose OpenAPI lacks patch metadata. `/openapi/v2`
 * stays 404, which kubectl tolerates (only `kubectl explain` needs it).
 */
import { createHash } from 'node:crypto';
import { resourceTypes, servedGroups } from './resources';

/** Path key used in the `/openapi/v3` index: `api/v1` or `apis/<group>/<version>`. */
function indexKey(g: { group: string; version: string }): string {
  return g.group ? `apis/${g.group}/${g.version}` : `api/${g.version}`;
}

function queryParam(name: string, description: string) {
  return {
    name,
    in: 'query',
    description,
    schema: { type: 'string', uniqueItems: true },
  };
}

const writeParams = [
  queryParam(
    'dryRun',
    'When present, indicates that modifications should not be persisted.',
  ),
  queryParam(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  queryParam(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
  ),
];

function operation(
  action: string,
  gvk: { group: string; version: string; kind: string },
  id: string,
  parameters: object[] = [],
) {
  return {
    description: `${action} ${gvk.kind}`,
    operationId: id,
    parameters,
    responses: {
      '200': { description: 'OK' },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}

/** The per-group-version document, or undefined when that group/version is not served. */
export function openApiV3Document(
  group: string,
  version: string,
): object | undefined {
  const types = resourceTypes.filter(
    t => t.group === group && t.version === version,
  );
  if (types.length === 0) return undefined;
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: Record<string, object> = {};
  for (const t of types) {
    const gvk = { group, version, kind: t.kind };
    const opId = (verb: string) => `${verb}${t.kind}`;
    const base = t.namespaced
      ? `${prefix}/namespaces/{namespace}/${t.resource}`
      : `${prefix}/${t.resource}`;
    if (!t.stored) {
      paths[base] = {
        post: operation('post', gvk, opId('create'), writeParams),
      };
      continue;
    }
    paths[base] = {
      get: operation('list', gvk, opId('list')),
      post: operation('post', gvk, opId('create'), writeParams),
      delete: operation('deletecollection', gvk, opId('deleteCollection')),
    };
    paths[`${base}/{name}`] = {
      get: operation('get', gvk, opId('read')),
      put: operation('put', gvk, opId('replace'), writeParams),
      patch: operation('patch', gvk, opId('patch'), [
        ...writeParams,
        queryParam('force', 'Force is going to "force" Apply requests.'),
      ]),
      delete: operation('delete', gvk, opId('delete'), [writeParams[0]]),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(doc: object): string {
  return createHash('sha512')
    .update(JSON.stringify(doc))
    .digest('hex')
    .slice(0, 128)
    .toUpperCase();
}

/** The `/openapi/v3` index: one entry per served group/version with a content hash. */
export function openApiV3Index(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of servedGroups()) {
    const doc = openApiV3Document(g.group, g.version)!;
    paths[indexKey(g)] = {
      serverRelativeURL: `/openapi/v3/${indexKey(g)}?hash=${hashOf(doc)}`,
    };
  }
  return { paths };
}

/** Resolves `/openapi/v3/<key>` to its document. */
export function openApiV3ForPath(path: string): object | undefined {
  for (const g of servedGroups()) {
    if (path === `/openapi/v3/${indexKey(g)}`) {
      return openApiV3Document(g.group, g.version);
    }
  }
  return undefined;
}
