/*
 * HTTP layer: authentication, impersonation, request info, request counting and injected
 * faults, RBAC authorization, then dispatch to the non-resource endpoints (`nonResource.ts`)
 * or the resource handler (`resourceHandler.ts`). The order mirrors kube-apiserver's handler
 * chain (authn → impersonation → max-in-flight / priority and fairness → authz → handler).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResourceApi } from './api';
import { AuthorizationLog } from './audit';
import { Authenticator, UserInfo } from './auth';
import {
  forbidden,
  KubePlainTextError,
  KubeStatusError,
  pathNotFound,
  unauthorized,
} from './errors';
import { FaultInjector, FaultSpec, resourceKey } from './faults';
import { sendPlainText, sendStatus } from './http';
import { impersonate } from './impersonation';
import { serveNonResource } from './nonResource';
import { forbiddenMessage, RbacAuthorizer } from './rbac';
import { parseRequestInfo, RequestInfo } from './request-info';
import { serveResource } from './resourceHandler';
import { findResourceType } from './resources';

export type { FaultSpec } from './faults';

/** Optional logger; the peer never writes to the console itself. */
export interface KubePeerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The request handler of the peer, with its test switches. */
/** One list request as the peer saw it: whether it was paged, and whether it continued. */
export interface ListRequest {
  /** Plural resource, e.g. `rolebindings`. */
  resource: string;
  /** The `limit` asked for; absent for an unpaged list. */
  limit?: number;
  /** Whether it carried a continue token. */
  continued: boolean;
}

export class KubeApiServer {
  private delayMs = 0;
  private readonly faults = new FaultInjector();
  private counts = new Map<string, number>();
  private lists: ListRequest[] = [];
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
    this.faults.add(spec);
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  listRequests(): ListRequest[] {
    return [...this.lists];
  }

  resetCounts(): void {
    this.counts.clear();
    this.lists = [];
  }

  /** Node `request` listener. Never throws. */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch(err => {
      if (err instanceof KubeStatusError) {
        if (!res.headersSent) sendStatus(res, err);
        return;
      }
      if (err instanceof KubePlainTextError) {
        if (!res.headersSent) sendPlainText(res, err);
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

  /** Authentication, then impersonation: the user the request runs as. */
  private async effectiveUser(req: IncomingMessage): Promise<UserInfo> {
    const user = await this.authenticate(req);
    if (!user) throw unauthorized();
    const impersonation = impersonate(req, user, this.deps.authorizer);
    if ('error' in impersonation) throw impersonation.error;
    return impersonation.user;
  }

  /** Counts a resource request and fails it when an injected fault matches. */
  private countAndFault(info: RequestInfo, query: URLSearchParams): void {
    if (!info.isResourceRequest) return;
    const key = `${info.verb} ${resourceKey(info)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (info.verb === 'list') {
      const limit = Number(query.get('limit'));
      this.lists.push({
        resource: resourceKey(info)!,
        ...(limit > 0 ? { limit } : {}),
        continued: Boolean(query.get('continue')),
      });
    }
    const fault = this.faults.take(info, query);
    if (fault) throw fault;
  }

  private authorize(info: RequestInfo, user: UserInfo): void {
    const attrs = {
      user,
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
    if (decision.allowed) return;
    throw forbidden(
      forbiddenMessage(attrs, decision.reason),
      info.isResourceRequest
        ? { group: info.apiGroup, resource: info.resource ?? '' }
        : undefined,
      info.name,
    );
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (this.delayMs > 0) {
      await new Promise(resolve => setTimeout(resolve, this.delayMs));
    }
    let user: UserInfo;
    let info: RequestInfo;
    try {
      user = await this.effectiveUser(req);
      info = parseRequestInfo(
        req.method ?? 'GET',
        url.pathname,
        url.searchParams,
      );
      this.countAndFault(info, url.searchParams);
      this.authorize(info, user);
    } catch (err) {
      // Drain the body so keep-alive connections stay usable.
      req.resume();
      throw err;
    }
    if (!info.isResourceRequest) {
      req.resume();
      serveNonResource(info, res, {
        url: this.url,
        authenticator: this.deps.authenticator,
      });
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
    await serveResource(this.deps, {
      req,
      res,
      info,
      type,
      user,
      query: url.searchParams,
    });
  }
}
