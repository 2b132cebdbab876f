/*
 * Requests outside the resource API: `/version`, health checks, discovery, the service
 * account issuer's OIDC documents and `/openapi/v3`.
 */
import type { ServerResponse } from 'node:http';
import type { Authenticator } from './auth';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreApiVersions,
  serverVersion,
} from './discovery';
import { methodNotAllowed, pathNotFound } from './errors';
import { sendJson } from './http';
import { openApiV3ForPath, openApiV3Index } from './openapi';
import type { RequestInfo } from './request-info';

/** A document for the path, or undefined when discovery does not know it. */
function discoveryDocument(
  parts: string[],
  p: string,
  serverUrl: string,
): unknown {
  if (p === '/version') return serverVersion;
  if (p === '/api') return coreApiVersions(new URL(serverUrl).host);
  if (p === '/apis') return apiGroupList();
  if (parts[0] === 'api' && parts.length === 2)
    return apiResourceList('', parts[1]);
  if (parts[0] === 'apis' && parts.length === 2) return apiGroup(parts[1]);
  if (parts[0] === 'apis' && parts.length === 3)
    return apiResourceList(parts[1], parts[2]);
  if (p === '/openapi/v3') return openApiV3Index();
  return p.startsWith('/openapi/v3/') ? openApiV3ForPath(p) : undefined;
}

export function serveNonResource(
  info: RequestInfo,
  res: ServerResponse,
  server: { url: string; authenticator: Authenticator },
): void {
  const parts = info.path.split('/').filter(Boolean);
  const p = `/${parts.join('/')}`;
  if (info.verb !== 'get' && info.verb !== 'head') {
    throw methodNotAllowed(
      `the server does not allow this method on the requested resource`,
    );
  }
  if (p === '/healthz' || p === '/livez' || p === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  const serviceAccounts = server.authenticator.serviceAccounts;
  if (p === '/.well-known/openid-configuration') {
    sendJson(res, 200, {
      issuer: serviceAccounts.issuer,
      jwks_uri: `${server.url}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    return;
  }
  if (p === '/openid/v1/jwks') {
    sendJson(res, 200, serviceAccounts.jwks(), 'application/jwk-set+json');
    return;
  }
  const doc = discoveryDocument(parts, p, server.url);
  // No /openapi/v2: kubectl only needs it for `explain`.
  if (!doc) throw pathNotFound();
  sendJson(res, 200, doc);
}
