/* eslint-disable new-cap -- the generated client's methods are HTTP verbs (GET, POST, DELETE) */
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  CertificateIdentity,
  CertificateRecord,
  CertificateRequest,
  ClusterAccessHttpClient,
  createClusterAccessHttpClient,
  HistoryEvent,
  IssuedCertificate,
  ManagedNamespace,
  NamespaceAccess,
  NamespaceClusterInfo,
  NamespaceRequest,
  NamespaceRequestInput,
  NamespaceRequestManifests,
  responseData,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';
import {
  AddedNamespaceMember,
  ClusterAccessApi,
  HistoryFilter,
  HistoryPage,
  ManagedNamespaceFilter,
  NamespaceAccessFilter,
  NamespaceRef,
  NamespaceRequestFilter,
  RemovedNamespaceMember,
} from './ClusterAccessApi';

/**
 * The backend trims comments and refuses empty ones, so an empty optional
 * comment is left out rather than sent.
 */
function optionalText(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** `/namespaces/{cluster}/{name}` parameters of a namespace. */
function namespacePath(ref: NamespaceRef) {
  return { cluster: ref.cluster, name: ref.name };
}

/**
 * Talks to the Cluster Access backend with the signed-in user's credentials,
 * through the client generated from the backend's `openapi.yaml`. Every
 * answer that is not 2xx is thrown as a `ResponseError` from
 * `@backstage/errors` with the backend's status, name and message.
 *
 * @public
 */
export class ClusterAccessClient implements ClusterAccessApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** {@inheritDoc ClusterAccessApi.listHistory} */
  async listHistory(filter: HistoryFilter = {}): Promise<HistoryEvent[]> {
    return (await this.listHistoryPage(filter)).items;
  }

  /** {@inheritDoc ClusterAccessApi.listHistoryPage} */
  async listHistoryPage(
    filter: HistoryFilter & { cursor?: string } = {},
  ): Promise<HistoryPage> {
    const client = await this.client();
    const { items, pageInfo } = await responseData(
      client.GET('/history', { params: { query: { ...filter } } }),
    );
    // A backend from before paging sends no pageInfo: one page, then.
    return { items: items as HistoryEvent[], pageInfo: pageInfo ?? {} };
  }

  /** {@inheritDoc ClusterAccessApi.getIdentity} */
  async getIdentity(): Promise<CertificateIdentity> {
    const client = await this.client();
    return responseData(client.GET('/identity'));
  }

  /** {@inheritDoc ClusterAccessApi.issueCertificate} */
  async issueCertificate(
    request: CertificateRequest,
  ): Promise<IssuedCertificate> {
    const client = await this.client();
    const { csr, ttlSeconds } = request;
    return responseData(
      client.POST('/certificates', { body: { csr, ttlSeconds } }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.listCertificates} */
  async listCertificates(): Promise<CertificateRecord[]> {
    const client = await this.client();
    const { items } = await responseData(client.GET('/certificates'));
    return items;
  }

  /** {@inheritDoc ClusterAccessApi.revokeCertificate} */
  async revokeCertificate(options: {
    serialNumber: string;
  }): Promise<CertificateRecord> {
    const client = await this.client();
    return responseData(
      client.POST('/certificates/{serial}/revoke', {
        params: { path: { serial: options.serialNumber } },
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.listTiers} */
  async listTiers(): Promise<RequestableTier[]> {
    const client = await this.client();
    const { items } = await responseData(client.GET('/tiers'));
    return items as RequestableTier[];
  }

  /** {@inheritDoc ClusterAccessApi.listClusters} */
  async listClusters(): Promise<NamespaceClusterInfo[]> {
    const client = await this.client();
    const { items } = await responseData(client.GET('/clusters'));
    return items;
  }

  /** {@inheritDoc ClusterAccessApi.createRequest} */
  async createRequest(input: NamespaceRequestInput): Promise<NamespaceRequest> {
    const client = await this.client();
    // Only the fields the backend accepts: it refuses unknown ones.
    const { cluster, namespace, owner, tier, reason } = input;
    return responseData(
      client.POST('/requests', {
        body: { cluster, namespace, owner, tier, reason },
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.listRequests} */
  async listRequests(
    filter: NamespaceRequestFilter = {},
  ): Promise<NamespaceRequest[]> {
    const client = await this.client();
    const { status, mine, decidedByMe, ...rest } = filter;
    const { items } = await responseData(
      client.GET('/requests', {
        params: {
          query: {
            ...rest,
            status: status?.length ? status.join(',') : undefined,
            mine: mine === undefined ? undefined : (`${mine}` as const),
            decidedByMe:
              decidedByMe === undefined
                ? undefined
                : (`${decidedByMe}` as const),
          },
        },
      }),
    );
    return items;
  }

  /** {@inheritDoc ClusterAccessApi.getRequest} */
  async getRequest(options: { id: string }): Promise<NamespaceRequest> {
    const client = await this.client();
    return responseData(
      client.GET('/requests/{id}', { params: { path: { id: options.id } } }),
    );
  }

  /** The objects a request applies or applied, as JSON and YAML. */
  async getRequestManifests(options: {
    id: string;
  }): Promise<NamespaceRequestManifests> {
    const client = await this.client();
    const data = await responseData(
      client.GET('/requests/{id}/manifests', {
        params: { path: { id: options.id } },
      }),
    );
    // Without format=yaml the backend answers with JSON; the spec's text/yaml
    // answer only makes the type a union.
    return data as NamespaceRequestManifests;
  }

  /** {@inheritDoc ClusterAccessApi.approveRequest} */
  async approveRequest(options: {
    id: string;
    comment?: string;
  }): Promise<NamespaceRequest> {
    const client = await this.client();
    const comment = optionalText(options.comment);
    return responseData(
      client.POST('/requests/{id}/approve', {
        params: { path: { id: options.id } },
        body: comment ? { comment } : {},
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.rejectRequest} */
  async rejectRequest(options: {
    id: string;
    comment: string;
  }): Promise<NamespaceRequest> {
    const client = await this.client();
    return responseData(
      client.POST('/requests/{id}/reject', {
        params: { path: { id: options.id } },
        body: { comment: options.comment },
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.withdrawRequest} */
  async withdrawRequest(options: {
    id: string;
    comment?: string;
  }): Promise<NamespaceRequest> {
    const client = await this.client();
    const comment = optionalText(options.comment);
    return responseData(
      client.POST('/requests/{id}/withdraw', {
        params: { path: { id: options.id } },
        body: comment ? { comment } : {},
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.listNamespaces} */
  async listNamespaces(
    filter: ManagedNamespaceFilter = {},
  ): Promise<ManagedNamespace[]> {
    const client = await this.client();
    const { owner, cluster, user } = filter;
    const { items } = await responseData(
      client.GET('/namespaces', {
        params: { query: { owner, cluster, user } },
      }),
    );
    return items;
  }

  /** {@inheritDoc ClusterAccessApi.listAccess} */
  async listAccess(
    filter: NamespaceAccessFilter = {},
  ): Promise<NamespaceAccess[]> {
    const client = await this.client();
    const { owner, cluster, namespace, user, mine, flagged } = filter;
    const { items } = await responseData(
      client.GET('/access', {
        params: {
          query: {
            owner,
            cluster,
            namespace,
            user,
            mine: mine ? 'true' : undefined,
            flagged: flagged ? 'true' : undefined,
          },
        },
      }),
    );
    return items;
  }

  /** {@inheritDoc ClusterAccessApi.addMember} */
  async addMember(
    options: NamespaceRef & { user: string },
  ): Promise<AddedNamespaceMember> {
    const client = await this.client();
    return responseData(
      client.POST('/namespaces/{cluster}/{name}/members', {
        params: { path: namespacePath(options) },
        body: { user: options.user },
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.removeMember} */
  async removeMember(
    options: NamespaceRef & { user: string },
  ): Promise<RemovedNamespaceMember> {
    const client = await this.client();
    return responseData(
      client.DELETE('/namespaces/{cluster}/{name}/members/{user}', {
        params: { path: { ...namespacePath(options), user: options.user } },
      }),
    );
  }

  /** {@inheritDoc ClusterAccessApi.decommissionNamespace} */
  async decommissionNamespace(
    options: NamespaceRef & { reason?: string },
  ): Promise<NamespaceRequest> {
    const client = await this.client();
    const reason = optionalText(options.reason);
    return responseData(
      client.DELETE('/namespaces/{cluster}/{name}', {
        params: { path: namespacePath(options) },
        body: reason ? { reason } : {},
      }),
    );
  }

  /** The generated client, at the URL discovery gives now. */
  private async client(): Promise<ClusterAccessHttpClient> {
    return createClusterAccessHttpClient({
      baseUrl: await this.discoveryApi.getBaseUrl('cluster-access'),
      fetch: request => this.send(request),
    });
  }

  /**
   * Hands the generated client's request to Backstage's `fetchApi` as a URL
   * and init with the body read out: its middleware (the one that adds the
   * user's token) builds a new Request from what it is given, and a browser
   * refuses to build one from a Request whose body has been used.
   */
  private async send(request: Request): Promise<Response> {
    return this.fetchApi.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ? await request.text() : undefined,
      signal: request.signal,
    });
  }
}
