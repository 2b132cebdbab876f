import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CertificateIdentity,
  CertificateRecord,
  CertificateRequest,
  HistoryEvent,
  IssuedCertificate,
  ManagedNamespace,
  NamespaceAccess,
  NamespaceClusterInfo,
  NamespaceRequest,
  NamespaceRequestInput,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import {
  AddedNamespaceMember,
  ClusterAccessApi,
  HistoryFilter,
  ManagedNamespaceFilter,
  NamespaceAccessFilter,
  NamespaceRef,
  NamespaceRequestFilter,
  RemovedNamespaceMember,
} from './ClusterAccessApi';

type QueryValue = string | number | boolean | string[] | undefined;

/** `?a=1&b=x,y` from the defined values, or '' when there are none. */
function queryString(values: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** `/namespaces/<cluster>/<name>`, each part encoded. */
function namespacePath(ref: NamespaceRef): string {
  return `/namespaces/${encodeURIComponent(ref.cluster)}/${encodeURIComponent(
    ref.name,
  )}`;
}

/**
 * The backend trims comments and refuses empty ones, so an empty optional
 * comment is left out rather than sent.
 */
function optionalText(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Talks to the Cluster Access backend with the signed-in user's credentials.
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

  async listHistory(filter: HistoryFilter = {}): Promise<HistoryEvent[]> {
    const { items } = await this.request<{ items: HistoryEvent[] }>(
      `/history${queryString({ ...filter })}`,
    );
    return items;
  }

  async getIdentity(): Promise<CertificateIdentity> {
    return this.request<CertificateIdentity>('/identity');
  }

  async issueCertificate(
    request: CertificateRequest,
  ): Promise<IssuedCertificate> {
    return this.request<IssuedCertificate>('/certificates', {
      method: 'POST',
      body: request,
    });
  }

  async listCertificates(): Promise<CertificateRecord[]> {
    const { items } = await this.request<{ items: CertificateRecord[] }>(
      '/certificates',
    );
    return items;
  }

  async revokeCertificate(options: {
    serialNumber: string;
  }): Promise<CertificateRecord> {
    // Vault serials are colon-separated hex; encode whatever the backend uses.
    return this.request<CertificateRecord>(
      `/certificates/${encodeURIComponent(options.serialNumber)}/revoke`,
      { method: 'POST' },
    );
  }

  async listTiers(): Promise<TierInfo[]> {
    const { items } = await this.request<{ items: TierInfo[] }>('/tiers');
    return items;
  }

  async listClusters(): Promise<NamespaceClusterInfo[]> {
    const { items } = await this.request<{ items: NamespaceClusterInfo[] }>(
      '/clusters',
    );
    return items;
  }

  async createRequest(input: NamespaceRequestInput): Promise<NamespaceRequest> {
    // Only the fields the backend accepts: it refuses unknown ones.
    const { cluster, namespace, owner, tier, reason } = input;
    return this.request<NamespaceRequest>('/requests', {
      method: 'POST',
      body: { cluster, namespace, owner, tier, reason },
    });
  }

  async listRequests(
    filter: NamespaceRequestFilter = {},
  ): Promise<NamespaceRequest[]> {
    const { items } = await this.request<{ items: NamespaceRequest[] }>(
      `/requests${queryString({
        status: filter.status,
        owner: filter.owner,
        mine: filter.mine,
        decidedByMe: filter.decidedByMe,
        cluster: filter.cluster,
        namespace: filter.namespace,
        kind: filter.kind,
        limit: filter.limit,
      })}`,
    );
    return items;
  }

  async getRequest(options: { id: string }): Promise<NamespaceRequest> {
    return this.request<NamespaceRequest>(
      `/requests/${encodeURIComponent(options.id)}`,
    );
  }

  async approveRequest(options: {
    id: string;
    comment?: string;
  }): Promise<NamespaceRequest> {
    const comment = optionalText(options.comment);
    return this.request<NamespaceRequest>(
      `/requests/${encodeURIComponent(options.id)}/approve`,
      { method: 'POST', body: comment ? { comment } : {} },
    );
  }

  async rejectRequest(options: {
    id: string;
    comment: string;
  }): Promise<NamespaceRequest> {
    return this.request<NamespaceRequest>(
      `/requests/${encodeURIComponent(options.id)}/reject`,
      { method: 'POST', body: { comment: options.comment } },
    );
  }

  async withdrawRequest(options: {
    id: string;
    comment?: string;
  }): Promise<NamespaceRequest> {
    const comment = optionalText(options.comment);
    return this.request<NamespaceRequest>(
      `/requests/${encodeURIComponent(options.id)}/withdraw`,
      { method: 'POST', body: comment ? { comment } : {} },
    );
  }

  async listNamespaces(
    filter: ManagedNamespaceFilter = {},
  ): Promise<ManagedNamespace[]> {
    const { items } = await this.request<{ items: ManagedNamespace[] }>(
      `/namespaces${queryString({
        owner: filter.owner,
        cluster: filter.cluster,
        user: filter.user,
      })}`,
    );
    return items;
  }

  async listAccess(
    filter: NamespaceAccessFilter = {},
  ): Promise<NamespaceAccess[]> {
    const { items } = await this.request<{ items: NamespaceAccess[] }>(
      `/access${queryString({
        owner: filter.owner,
        cluster: filter.cluster,
        namespace: filter.namespace,
        user: filter.user,
        flagged: filter.flagged ? true : undefined,
      })}`,
    );
    return items;
  }

  async addMember(
    options: NamespaceRef & { user: string },
  ): Promise<AddedNamespaceMember> {
    return this.request<AddedNamespaceMember>(
      `${namespacePath(options)}/members`,
      { method: 'POST', body: { user: options.user } },
    );
  }

  async removeMember(
    options: NamespaceRef & { user: string },
  ): Promise<RemovedNamespaceMember> {
    // Entity refs contain ':' and '/': one path segment only when encoded.
    return this.request<RemovedNamespaceMember>(
      `${namespacePath(options)}/members/${encodeURIComponent(options.user)}`,
      { method: 'DELETE' },
    );
  }

  async decommissionNamespace(
    options: NamespaceRef & { reason?: string },
  ): Promise<NamespaceRequest> {
    const reason = optionalText(options.reason);
    return this.request<NamespaceRequest>(namespacePath(options), {
      method: 'DELETE',
      body: reason ? { reason } : {},
    });
  }

  private async request<T>(
    path: string,
    options: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('cluster-access');
    const init: RequestInit = { method: options.method ?? 'GET' };
    if (options.body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(options.body);
    }
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
