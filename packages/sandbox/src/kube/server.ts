/*
 * HTTP layer: authentication, request info, request counting and injected faults, RBAC
 * authorization, then dispatch to discovery, reviews or the resource registry. The order
 * mirrors kube-apiserver's handler chain (authn → authz → handler).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ResourceApi, WriteContext, WriteResult } from './api';
import { AuthorizationLog } from './audit';
import { Authenticator, UserInfo } from './auth';
import {
  badRequest,
  forbidden,
  KubeStatusError,
  methodNotAllowed,
  pathNotFound,
  reasonForCode,
  unauthorized,
  unsupportedMediaType,
} from './errors';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreApiVersions,
  serverVersion,
} from './discovery';
import { forbiddenMessage, RbacAuthorizer } from './rbac';
import { parseRequestInfo, RequestInfo } from './request-info';
import { findResourceType, KubeObject, ResourceType } from './resources';
import { openApiV3ForPath, openApiV3Index } from './openapi';
import { decodeKubeProtobuf } from './protobuf';
import { parseFieldValidation } from './schema';
import { handleReview } from './reviews';
import { toTable } from './table';
import { serveWatch } from './watch';

/** Optional logger; the peer never writes to the console itself. */
export interface KubePeerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A fault to inject, see `KubePeer.failNext`. */
export interface FaultSpec {
  /** Kubernetes verb: get, list, create, update, patch, delete, deletecollection. Omit for any. */
  verb?: string;
  /** Plural resource, e.g. `namespaces`, or `namespaces/status`. Omit for any. */
  resource?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** HTTP status of the failure (default 500). */
  status?: number;
  /** Status message (default `injected fault`; for 429 API Priority and Fairness's). */
  message?: string;
  /** `Retry-After` of a 429 (default 1, as API Priority and Fairness sends). */
  retryAfterSeconds?: number;
  /**
   * Only lists that continue a paged list (carry a `continue` token), e.g. a 410 as etcd
   * compaction causes between pages.
   */
  continued?: boolean;
}

const maxBodyBytes = 3 * 1024 * 1024;

/** What kube-apiserver says with these codes, for injected faults without a message. */
const defaultFaultMessages: Record<number, string> = {
  429: 'Too many requests, please try again later.',
  410: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
};

function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

function sendResult(res: ServerResponse, result: WriteResult): void {
  // kube-apiserver's warning format: `299 - "<text>"` with the text as a quoted string.
  const warnings = (result.warnings ?? []).map(
    w => `299 - ${JSON.stringify(w)}`,
  );
  sendJson(
    res,
    result.code,
    result.body,
    'application/json',
    warnings.length > 0 ? { Warning: warnings } : {},
  );
}

function sendStatus(res: ServerResponse, err: KubeStatusError): void {
  sendJson(res, err.code, err.toStatus(), 'application/json', err.headers);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new KubeStatusError({
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: 'the request body is too large',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function decodeObjectBody(req: IncomingMessage, body: Buffer): unknown {
  const type = mediaType(req);
  if (type === 'application/vnd.kubernetes.protobuf')
    return decodeKubeProtobuf(body);
  const raw = body.toString('utf8');
  if (raw.trim() === '') return undefined;
  try {
    if (type === '' || type === 'application/json') return JSON.parse(raw);
    if (type === 'application/yaml') return parseYaml(raw);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
  throw unsupportedMediaType(type);
}

/** kube-apiserver's default field manager: the User-Agent up to the first `/`. */
function defaultFieldManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? '';
  const prefix = ua.split('/')[0].trim();
  return prefix ? prefix.slice(0, 128) : 'unknown';
}

function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept
    .split(',')
    .some(part => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

interface Fault
  extends Required<
    Omit<FaultSpec, 'verb' | 'resource' | 'retryAfterSeconds' | 'continued'>
  > {
  verb?: string;
  resource?: string;
  retryAfterSeconds: number;
  continued?: boolean;
}

/** The request handler of the peer, with its test switches. */
export class KubeApiServer {
  private delayMs = 0;
  private faults: Fault[] = [];
  private counts = new Map<string, number>();
  private readonly userCache = new WeakMap<object, UserInfo>();
  url = '';

  constructor(
    private readonly deps: {
      api: ResourceApi;
      authenticator: Authenticator;
      authorizer: RbacAuthorizer;
      log: AuthorizationLog;
      logger?: KubePeerLogger;
    },
  ) {}

  setDelay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  failNext(spec: FaultSpec): void {
    this.faults.push({
      verb: spec.verb,
      resource: spec.resource,
      times: spec.times ?? 1,
      status: spec.status ?? 500,
      message:
        spec.message ??
        defaultFaultMessages[spec.status ?? 500] ??
        'injected fault',
      retryAfterSeconds: spec.retryAfterSeconds ?? 1,
      continued: spec.continued,
    });
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetCounts(): void {
    this.counts.clear();
  }

  /** Node `request` listener. Never throws. */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch(err => {
      if (err instanceof KubeStatusError) {
        if (!res.headersSent) sendStatus(res, err);
        return;
      }
      this.deps.logger?.error(
        `kube peer: ${req.method} ${req.url} failed: ${
          (err as Error)?.stack ?? err
        }`,
      );
      if (!res.headersSent) {
        sendStatus(
          res,
          new KubeStatusError({
            code: 500,
            reason: 'InternalError',
            message: `Internal error occurred: ${
              (err as Error)?.message ?? err
            }`,
          }),
        );
      }
    });
  };

  private async authenticate(
    req: IncomingMessage,
  ): Promise<UserInfo | undefined> {
    // Certificate verification costs signature checks; do it once per TLS connection.
    if (!req.headers.authorization) {
      const cached = this.userCache.get(req.socket);
      if (cached) return cached;
    }
    const user = await this.deps.authenticator.authenticate(req);
    if (user && !req.headers.authorization)
      this.userCache.set(req.socket, user);
    return user;
  }

  /**
   * Applies `Impersonate-*` headers (kubectl `--as`/`--as-group`) after checking the
   * `impersonate` verb for each, like kube-apiserver's impersonation filter. Returns the
   * effective user (the caller when nothing is impersonated) or the error to answer with.
   */
  private impersonate(
    req: IncomingMessage,
    user: UserInfo,
  ): { user: UserInfo } | { error: KubeStatusError } {
    const header = (name: string): string[] => {
      const v = req.headers[name];
      if (v === undefined) return [];
      return (Array.isArray(v) ? v : [v])
        .flatMap(x => x.split(','))
        .map(x => x.trim())
        .filter(Boolean);
    };
    const asUser = header('impersonate-user')[0];
    const asGroups = header('impersonate-group');
    const asUid = header('impersonate-uid')[0];
    if (!asUser && asGroups.length === 0 && !asUid) return { user };
    if (!asUser) {
      return {
        error: new KubeStatusError({
          code: 500,
          reason: 'InternalError',
          message:
            'Internal error occurred: requested impersonation of groups or uid without impersonating a user',
        }),
      };
    }
    const refuse = (
      resource: string,
      name: string,
      namespace?: string,
      group = '',
    ): KubeStatusError | undefined => {
      const attrs = {
        user,
        verb: 'impersonate',
        isResourceRequest: true,
        apiGroup: group,
        resource,
        name,
        namespace,
      };
      if (this.deps.authorizer.authorize(attrs).allowed) return undefined;
      return forbidden(forbiddenMessage(attrs), { group, resource }, name);
    };
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(asUser);
    const errors = [
      sa ? refuse('serviceaccounts', sa[2], sa[1]) : refuse('users', asUser),
      ...asGroups.map(g => refuse('groups', g)),
      asUid
        ? refuse('uids', asUid, undefined, 'authentication.k8s.io')
        : undefined,
    ];
    const error = errors.find(Boolean);
    if (error) return { error };
    const groups = [...asGroups];
    if (sa && asGroups.length === 0) {
      groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
    }
    if (
      asUser !== 'system:anonymous' &&
      !groups.includes('system:authenticated')
    ) {
      groups.push('system:authenticated');
    }
    return {
      user: { username: asUser, groups, ...(asUid ? { uid: asUid } : {}) },
    };
  }

  private takeFault(
    info: RequestInfo,
    query: URLSearchParams,
  ): Fault | undefined {
    const resource = info.subresource
      ? `${info.resource}/${info.subresource}`
      : info.resource;
    const continued = Boolean(query.get('continue'));
    const fault = this.faults.find(
      f =>
        (f.verb === undefined || f.verb === info.verb) &&
        (f.resource === undefined || f.resource === resource) &&
        (f.continued === undefined || f.continued === continued),
    );
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults = this.faults.filter(f => f !== fault);
    return fault;
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (this.delayMs > 0) {
      await new Promise(resolve => setTimeout(resolve, this.delayMs));
    }
    const user = await this.authenticate(req);
    if (!user) {
      // Drain the body so keep-alive connections stay usable.
      req.resume();
      sendStatus(res, unauthorized());
      return;
    }
    const impersonation = this.impersonate(req, user);
    if ('error' in impersonation) {
      req.resume();
      sendStatus(res, impersonation.error);
      return;
    }
    const effectiveUser = impersonation.user;
    const info = parseRequestInfo(
      req.method ?? 'GET',
      url.pathname,
      url.searchParams,
    );
    if (info.isResourceRequest) {
      const key = `${info.verb} ${
        info.subresource
          ? `${info.resource}/${info.subresource}`
          : info.resource
      }`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      const fault = this.takeFault(info, url.searchParams);
      if (fault) {
        req.resume();
        const headers: Record<string, string> = {};
        const details: { retryAfterSeconds?: number } = {};
        if (fault.status === 429) {
          headers['Retry-After'] = String(fault.retryAfterSeconds);
          details.retryAfterSeconds = fault.retryAfterSeconds;
        }
        sendStatus(
          res,
          new KubeStatusError({
            code: fault.status,
            reason: reasonForCode(fault.status),
            message: fault.message,
            details,
            headers,
          }),
        );
        return;
      }
    }

    const attrs = {
      user: effectiveUser,
      verb: info.verb,
      isResourceRequest: info.isResourceRequest,
      apiGroup: info.apiGroup,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
      path: info.path,
    };
    const decision = this.deps.authorizer.authorize(attrs);
    if (info.isResourceRequest)
      this.deps.log.decision('request', attrs, decision.allowed);
    if (!decision.allowed) {
      req.resume();
      sendStatus(
        res,
        forbidden(
          forbiddenMessage(attrs, decision.reason),
          info.isResourceRequest
            ? { group: info.apiGroup, resource: info.resource ?? '' }
            : undefined,
          info.name,
        ),
      );
      return;
    }

    if (!info.isResourceRequest) {
      req.resume();
      this.serveNonResource(info, res);
      return;
    }
    const type = findResourceType(
      info.apiGroup,
      info.apiVersion,
      info.resource ?? '',
    );
    if (
      !type ||
      (type.namespaced === false &&
        info.namespace &&
        info.resource !== 'namespaces')
    ) {
      req.resume();
      throw pathNotFound();
    }
    await this.serveResource(
      req,
      res,
      info,
      type,
      effectiveUser,
      url.searchParams,
    );
  }

  private serveNonResource(info: RequestInfo, res: ServerResponse): void {
    const parts = info.path.split('/').filter(Boolean);
    const p = `/${parts.join('/')}`;
    if (info.verb !== 'get' && info.verb !== 'head') {
      throw methodNotAllowed(
        `the server does not allow this method on the requested resource`,
      );
    }
    if (p === '/version') {
      sendJson(res, 200, serverVersion);
      return;
    }
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (p === '/api') {
      const host = new URL(this.url).host;
      sendJson(res, 200, coreApiVersions(host));
      return;
    }
    if (p === '/apis') {
      sendJson(res, 200, apiGroupList());
      return;
    }
    if (parts[0] === 'api' && parts.length === 2) {
      const list = apiResourceList('', parts[1]);
      if (list) {
        sendJson(res, 200, list);
        return;
      }
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const groupDoc = apiGroup(parts[1]);
      if (groupDoc) {
        sendJson(res, 200, groupDoc);
        return;
      }
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = apiResourceList(parts[1], parts[2]);
      if (list) {
        sendJson(res, 200, list);
        return;
      }
    }
    if (p === '/.well-known/openid-configuration') {
      const issuer = this.deps.authenticator.serviceAccounts.issuer;
      sendJson(res, 200, {
        issuer,
        jwks_uri: `${this.url}/openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
      return;
    }
    if (p === '/openid/v1/jwks') {
      sendJson(
        res,
        200,
        this.deps.authenticator.serviceAccounts.jwks(),
        'application/jwk-set+json',
      );
      return;
    }
    if (p === '/openapi/v3') {
      sendJson(res, 200, openApiV3Index());
      return;
    }
    const doc = p.startsWith('/openapi/v3/') ? openApiV3ForPath(p) : undefined;
    if (doc) {
      sendJson(res, 200, doc);
      return;
    }
    // No /openapi/v2: kubectl only needs it for `explain`.
    throw pathNotFound();
  }

  private async serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    type: ResourceType,
    user: UserInfo,
    query: URLSearchParams,
  ): Promise<void> {
    const { api } = this.deps;
    const namespace = type.namespaced ? info.namespace : undefined;
    const name = info.name;

    if (
      type.namespaced &&
      !namespace &&
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
    const ctx: WriteContext = {
      user,
      fieldManager: query.get('fieldManager') || defaultFieldManager(req),
      fieldValidation: parseFieldValidation(query.get('fieldValidation')),
      dryRun: dryRunValues.length > 0,
      warnings: [],
    };

    if (!type.stored) {
      if (info.verb !== 'create' || info.name) {
        req.resume();
        throw methodNotAllowed(
          `${info.verb} is not supported on ${type.resource}`,
        );
      }
      const body = decodeObjectBody(req, await readBody(req));
      const result = handleReview({
        type,
        body,
        requester: user,
        namespace,
        authorizer: this.deps.authorizer,
        authenticator: this.deps.authenticator,
      });
      sendJson(res, 201, result);
      return;
    }

    if (info.subresource) {
      req.resume();
      if (!type.subresources?.includes(info.subresource)) throw pathNotFound();
      if (info.verb !== 'get') {
        throw methodNotAllowed(
          `${info.verb} is not supported on ${type.resource}/${info.subresource} by this server`,
        );
      }
      sendJson(res, 200, api.get(type, namespace, name!));
      return;
    }

    switch (info.verb) {
      case 'get': {
        req.resume();
        const obj = api.get(type, namespace, name!);
        if (wantsTable(req)) {
          sendJson(
            res,
            200,
            toTable({
              type,
              objects: [obj],
              listMetadata: { resourceVersion: obj.metadata?.resourceVersion },
              includeObject: query.get('includeObject') ?? undefined,
            }),
            'application/json;as=Table;v=v1;g=meta.k8s.io',
          );
          return;
        }
        sendJson(res, 200, obj);
        return;
      }
      case 'list': {
        req.resume();
        const list = api.list(type, namespace, {
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
          limit: query.has('limit') ? Number(query.get('limit')) : undefined,
          continueToken: query.get('continue') ?? undefined,
        });
        if (wantsTable(req)) {
          sendJson(
            res,
            200,
            toTable({
              type,
              objects: list.items as KubeObject[],
              listMetadata: list.metadata as Record<string, unknown>,
              includeObject: query.get('includeObject') ?? undefined,
            }),
            'application/json;as=Table;v=v1;g=meta.k8s.io',
          );
          return;
        }
        sendJson(res, 200, list);
        return;
      }
      case 'watch':
        req.resume();
        serveWatch({
          req,
          res,
          api,
          type,
          namespace,
          name,
          query,
          table: wantsTable(req),
        });
        return;
      case 'create': {
        const body = decodeObjectBody(req, await readBody(req));
        const result = api.create(ctx, type, namespace, body);
        sendResult(res, result);
        return;
      }
      case 'update': {
        const body = decodeObjectBody(req, await readBody(req));
        const result = api.update(ctx, type, namespace, name!, body);
        sendResult(res, result);
        return;
      }
      case 'patch': {
        const contentType = mediaType(req);
        const supported = [
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
          'application/json-patch+json',
          'application/apply-patch+yaml',
        ];
        if (!supported.includes(contentType)) {
          req.resume();
          throw unsupportedMediaType(contentType);
        }
        if (
          contentType === 'application/apply-patch+yaml' &&
          !query.get('fieldManager')
        ) {
          req.resume();
          throw new KubeStatusError({
            code: 422,
            reason: 'Invalid',
            message:
              'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          });
        }
        const raw = (await readBody(req)).toString('utf8');
        const force = ['true', '1'].includes(query.get('force') ?? '');
        const result = api.patch(
          ctx,
          type,
          namespace,
          name!,
          raw,
          contentType,
          force,
        );
        sendResult(res, result);
        return;
      }
      case 'delete': {
        const raw = await readBody(req);
        const body = (decodeObjectBody(req, raw) ?? {}) as {
          preconditions?: { uid?: string; resourceVersion?: string };
          dryRun?: string[];
        };
        if (Array.isArray(body.dryRun) && body.dryRun.includes('All'))
          ctx.dryRun = true;
        const result = api.delete(
          ctx,
          type,
          namespace,
          name!,
          body.preconditions ?? {},
        );
        sendResult(res, result);
        return;
      }
      case 'deletecollection': {
        req.resume();
        const result = api.deleteCollection(ctx, type, namespace, {
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
        });
        sendResult(res, result);
        return;
      }
      default:
        req.resume();
        throw methodNotAllowed(`${info.verb} is not supported`);
    }
  }
}
