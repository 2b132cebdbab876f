import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  NamespaceRequest,
  NamespaceRequestDryRun,
  NamespaceRequestInput,
} from '@cluster-access/plugin-cluster-access-common';

/**
 * What other backend modules (for example the scaffolder actions) can ask of
 * the Cluster Access backend. Every call is made on behalf of the given
 * credentials, so the backend applies the same permission checks as for a
 * user calling it directly.
 *
 * @public
 */
export interface ClusterAccessService {
  /** Files a namespace request as the user behind `credentials`. */
  requestNamespace(
    request: NamespaceRequestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequest>;

  /**
   * Checks a namespace request as filing would and returns the objects it
   * would apply, filing nothing (`POST /requests/dry-run`).
   */
  dryRunNamespaceRequest(
    request: NamespaceRequestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequestDryRun>;

  /** Reads one namespace request. */
  getRequest(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequest>;
}

/**
 * Calls the Cluster Access backend over HTTP, with a plugin request token
 * issued on behalf of the caller.
 *
 * @public
 */
export class DefaultClusterAccessService implements ClusterAccessService {
  static create(options: {
    auth: AuthService;
    discovery: DiscoveryService;
  }): DefaultClusterAccessService {
    return new DefaultClusterAccessService(options.auth, options.discovery);
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly discovery: DiscoveryService,
  ) {}

  async requestNamespace(
    request: NamespaceRequestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequest> {
    return this.call('/requests', options.credentials, {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }

  /** `POST /requests/dry-run` as the user behind `credentials`. */
  async dryRunNamespaceRequest(
    request: NamespaceRequestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequestDryRun> {
    return this.call('/requests/dry-run', options.credentials, {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }

  async getRequest(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequest> {
    return this.call(
      `/requests/${encodeURIComponent(id)}`,
      options.credentials,
      { method: 'GET' },
    );
  }

  private async call<T>(
    path: string,
    credentials: BackstageCredentials,
    init: RequestInit,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('cluster-access');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'cluster-access',
    });
    const res = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
    });
    if (!res.ok) {
      // Keep the backend's own error (status, name, message) for the caller.
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}

/**
 * Service ref for {@link ClusterAccessService}.
 *
 * @public
 */
export const clusterAccessServiceRef = createServiceRef<ClusterAccessService>({
  id: 'cluster-access.service',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      factory: ({ auth, discovery }) =>
        DefaultClusterAccessService.create({ auth, discovery }),
    }),
});
