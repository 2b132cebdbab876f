import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CertificateIdentity,
  CertificateRecord,
  CertificateRequest,
  HistoryEvent,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessApi, HistoryFilter } from './ClusterAccessApi';

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
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const query = params.toString();
    const { items } = await this.request<{ items: HistoryEvent[] }>(
      `/history${query ? `?${query}` : ''}`,
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

  private async request<T>(
    path: string,
    options: { method?: 'GET' | 'POST'; body?: unknown } = {},
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
