import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  ClusterAccessHttpClient,
  createClusterAccessHttpClient,
  NamespaceRequest,
  NamespaceRequestDryRun,
  NamespaceRequestInput,
  responseData,
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
 * issued on behalf of the caller. Every answer that is not 2xx is thrown as
 * a `ResponseError` from `@backstage/errors` with the backend's status, name
 * and message.
 *
 * @public
 */
export class DefaultClusterAccessService implements ClusterAccessService {
  /** Builds the service from the core `auth` and `discovery` services, as its default factory does. */
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

  /** {@inheritDoc ClusterAccessService.requestNamespace} */
  async requestNamespace(
    request: NamespaceRequestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequest> {
    const client = await this.client(options.credentials);
    return responseData(client.POST('/requests', { body: request }));
  }

  /** `POST /requests/dry-run` as the user behind `credentials`. */
  async dryRunNamespaceRequest(
    request: NamespaceRequestInput,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequestDryRun> {
    const client = await this.client(options.credentials);
    return responseData(
      client.POST('/requests/dry-run', { body: request }),
    ) as Promise<NamespaceRequestDryRun>;
  }

  /** {@inheritDoc ClusterAccessService.getRequest} */
  async getRequest(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<NamespaceRequest> {
    const client = await this.client(options.credentials);
    return responseData(
      client.GET('/requests/{id}', { params: { path: { id } } }),
    );
  }

  /**
   * The generated client with a plugin request token for the caller. Its
   * errors are `ResponseError`s that keep the backend's status, name and
   * message for the caller.
   */
  private async client(
    credentials: BackstageCredentials,
  ): Promise<ClusterAccessHttpClient> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'cluster-access',
    });
    return createClusterAccessHttpClient({
      baseUrl: await this.discovery.getBaseUrl('cluster-access'),
      headers: { authorization: `Bearer ${token}` },
    });
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
