import { ResponseError } from '@backstage/errors';
import createClient, { Client } from 'openapi-fetch';
import type { components, paths } from './schema/openapi/generated/types';

/**
 * The routes of the Cluster Access backend, as generated from its
 * `openapi.yaml` (`./scripts/dev openapi`).
 *
 * @public
 */
export type ClusterAccessApiPaths = paths;

/**
 * The schemas of the Cluster Access backend's `openapi.yaml`.
 *
 * @public
 */
export type ClusterAccessApiSchemas = components['schemas'];

/**
 * The typed client of the Cluster Access backend (openapi-fetch): paths,
 * parameters, bodies and answers typed from the spec, e.g.
 * `client.GET('/requests/{id}', ...)` with the id as a path parameter.
 *
 * @public
 */
export type ClusterAccessHttpClient = Client<ClusterAccessApiPaths>;

/**
 * Options of {@link createClusterAccessHttpClient}.
 *
 * @public
 */
export interface ClusterAccessHttpClientOptions {
  /** The plugin's base URL, e.g. `https://backstage.example.com/api/cluster-access`. */
  baseUrl: string;
  /**
   * Sends one request; defaults to the global fetch. A Backstage `fetchApi`
   * (which adds the user's token) or a fetch that adds a token fits here.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Sent with every request, e.g. `authorization`. */
  headers?: Record<string, string>;
}

/**
 * The one client of the Cluster Access backend, used by the frontend, the
 * `-node` service and the CLI. Every answer that is not 2xx is thrown as a
 * `ResponseError` from `@backstage/errors` carrying the backend's own error
 * (status, name, message), so a successful call always has `data`.
 *
 * @public
 */
export function createClusterAccessHttpClient(
  options: ClusterAccessHttpClientOptions,
): ClusterAccessHttpClient {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  return createClient<ClusterAccessApiPaths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.headers,
    fetch: async request => {
      const response = await send(request);
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      return response;
    },
  });
}

/**
 * The body of a successful call of {@link ClusterAccessHttpClient}; an
 * answer without one (which the spec does not allow) is an error.
 *
 * @public
 */
export async function responseData<T>(
  call: Promise<{ data?: T; response: Response }>,
): Promise<T> {
  const { data, response } = await call;
  if (data === undefined) {
    throw new Error(
      `Cluster Access answered ${response.status} without a body at ${response.url}`,
    );
  }
  return data;
}
