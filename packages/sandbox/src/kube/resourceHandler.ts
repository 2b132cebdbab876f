/*
 * The resource handler behind authentication and authorization: checks what the URL and
 * query ask for, then hands each verb to the registry (`api.ts`), reviews (`reviews.ts`) or
 * watches (`watch.ts`), and writes the answer as kube-apiserver does (objects, lists or
 * server-side Tables, `Warning` headers).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceApi, WriteContext } from './api';
import type { Authenticator, UserInfo } from './auth';
import {
  badRequest,
  KubeStatusError,
  methodNotAllowed,
  pathNotFound,
  unsupportedMediaType,
} from './errors';
import {
  decodeObjectBody,
  defaultFieldManager,
  mediaType,
  readBody,
  sendJson,
  sendResult,
  TABLE_CONTENT_TYPE,
  wantsTable,
} from './http';
import type { RbacAuthorizer } from './rbac';
import type { RequestInfo } from './request-info';
import type { KubeObject, ResourceType } from './resources';
import { handleReview } from './reviews';
import { parseFieldValidation } from './schema';
import { toTable } from './table';
import { serveWatch } from './watch';

export interface ResourceDeps {
  api: ResourceApi;
  authorizer: RbacAuthorizer;
  authenticator: Authenticator;
}

/** One request for a stored resource, with what every verb needs. */
interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  type: ResourceType;
  namespace?: string;
  name?: string;
  query: URLSearchParams;
  ctx: WriteContext;
}

type VerbHandler = (api: ResourceApi, r: ResourceRequest) => Promise<void>;

const patchTypes = [
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
];

/** Answers with the object(s), or their server-side Table when the client asks for one. */
function sendObjects(
  r: ResourceRequest,
  body: KubeObject,
  objects: KubeObject[],
  listMetadata: Record<string, unknown>,
): void {
  if (!wantsTable(r.req)) {
    sendJson(r.res, 200, body);
    return;
  }
  const table = toTable({
    type: r.type,
    objects,
    listMetadata,
    includeObject: r.query.get('includeObject') ?? undefined,
  });
  sendJson(r.res, 200, table, TABLE_CONTENT_TYPE);
}

function selectors(query: URLSearchParams) {
  return {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
  };
}

/** kube-apiserver refuses an apply without a field manager before it reads the body. */
function checkPatchRequest(r: ResourceRequest, contentType: string): void {
  if (!patchTypes.includes(contentType)) {
    r.req.resume();
    throw unsupportedMediaType(contentType);
  }
  if (
    contentType === 'application/apply-patch+yaml' &&
    !r.query.get('fieldManager')
  ) {
    r.req.resume();
    throw new KubeStatusError({
      code: 422,
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    });
  }
}

const verbs: Record<string, VerbHandler> = {
  async get(api, r) {
    r.req.resume();
    const obj = api.get(r.type, r.namespace, r.name!);
    sendObjects(r, obj, [obj], {
      resourceVersion: obj.metadata?.resourceVersion,
    });
  },
  async list(api, r) {
    r.req.resume();
    const { query } = r;
    const list = api.list(r.type, r.namespace, {
      ...selectors(query),
      limit: query.has('limit') ? Number(query.get('limit')) : undefined,
      continueToken: query.get('continue') ?? undefined,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
    });
    sendObjects(
      r,
      list,
      list.items as KubeObject[],
      list.metadata as Record<string, unknown>,
    );
  },
  async watch(api, r) {
    r.req.resume();
    serveWatch({
      req: r.req,
      res: r.res,
      api,
      type: r.type,
      namespace: r.namespace,
      name: r.name,
      query: r.query,
      table: wantsTable(r.req),
    });
  },
  async create(api, r) {
    const body = decodeObjectBody(r.req, await readBody(r.req));
    sendResult(r.res, api.create(r.ctx, r.type, r.namespace, body));
  },
  async update(api, r) {
    const body = decodeObjectBody(r.req, await readBody(r.req));
    sendResult(r.res, api.update(r.ctx, r.type, r.namespace, r.name!, body));
  },
  async patch(api, r) {
    const contentType = mediaType(r.req);
    checkPatchRequest(r, contentType);
    const raw = (await readBody(r.req)).toString('utf8');
    const force = ['true', '1'].includes(r.query.get('force') ?? '');
    const result = api.patch(
      r.ctx,
      r.type,
      r.namespace,
      r.name!,
      raw,
      contentType,
      force,
    );
    sendResult(r.res, result);
  },
  async delete(api, r) {
    const raw = await readBody(r.req);
    const body = (decodeObjectBody(r.req, raw) ?? {}) as {
      preconditions?: { uid?: string; resourceVersion?: string };
      dryRun?: string[];
    };
    if (Array.isArray(body.dryRun) && body.dryRun.includes('All'))
      r.ctx.dryRun = true;
    const result = api.delete(
      r.ctx,
      r.type,
      r.namespace,
      r.name!,
      body.preconditions ?? {},
    );
    sendResult(r.res, result);
  },
  async deletecollection(api, r) {
    r.req.resume();
    const result = api.deleteCollection(
      r.ctx,
      r.type,
      r.namespace,
      selectors(r.query),
    );
    sendResult(r.res, result);
  },
};

/** The URL and query checks kube-apiserver makes before any verb runs. */
function writeContext(
  req: IncomingMessage,
  info: RequestInfo,
  type: ResourceType,
  user: UserInfo,
  query: URLSearchParams,
): WriteContext {
  if (
    type.namespaced &&
    !info.namespace &&
    info.verb !== 'list' &&
    info.verb !== 'deletecollection'
  ) {
    req.resume();
    throw pathNotFound();
  }
  const dryRunValues = query.getAll('dryRun');
  if (dryRunValues.some(v => v !== 'All')) {
    req.resume();
    throw badRequest(
      `dryRun: Unsupported value: ${JSON.stringify(
        dryRunValues[0],
      )}: supported values: "All"`,
    );
  }
  return {
    user,
    fieldManager: query.get('fieldManager') || defaultFieldManager(req),
    fieldValidation: parseFieldValidation(query.get('fieldValidation')),
    dryRun: dryRunValues.length > 0,
    warnings: [],
  };
}

/** Reviews (SubjectAccessReview, TokenReview, ...) are created, never stored. */
async function serveReview(
  deps: ResourceDeps,
  r: ResourceRequest,
  info: RequestInfo,
): Promise<void> {
  if (info.verb !== 'create' || info.name) {
    r.req.resume();
    throw methodNotAllowed(
      `${info.verb} is not supported on ${r.type.resource}`,
    );
  }
  const body = decodeObjectBody(r.req, await readBody(r.req));
  const result = handleReview({
    type: r.type,
    body,
    requester: r.ctx.user,
    namespace: r.namespace,
    authorizer: deps.authorizer,
    authenticator: deps.authenticator,
  });
  sendJson(r.res, 201, result);
}

/** `/status` subresources are served read-only. */
function serveSubresource(
  api: ResourceApi,
  r: ResourceRequest,
  info: RequestInfo,
): void {
  r.req.resume();
  if (!r.type.subresources?.includes(info.subresource!)) throw pathNotFound();
  if (info.verb !== 'get') {
    throw methodNotAllowed(
      `${info.verb} is not supported on ${r.type.resource}/${info.subresource} by this server`,
    );
  }
  sendJson(r.res, 200, api.get(r.type, r.namespace, r.name!));
}

export async function serveResource(
  deps: ResourceDeps,
  request: {
    req: IncomingMessage;
    res: ServerResponse;
    info: RequestInfo;
    type: ResourceType;
    user: UserInfo;
    query: URLSearchParams;
  },
): Promise<void> {
  const { req, res, info, type, user, query } = request;
  const r: ResourceRequest = {
    req,
    res,
    type,
    namespace: type.namespaced ? info.namespace : undefined,
    name: info.name,
    query,
    ctx: writeContext(req, info, type, user, query),
  };
  if (!type.stored) {
    await serveReview(deps, r, info);
    return;
  }
  if (info.subresource) {
    serveSubresource(deps.api, r, info);
    return;
  }
  const handler = Object.hasOwn(verbs, info.verb)
    ? verbs[info.verb]
    : undefined;
  if (!handler) {
    req.resume();
    throw methodNotAllowed(`${info.verb} is not supported`);
  }
  await handler(deps.api, r);
}
