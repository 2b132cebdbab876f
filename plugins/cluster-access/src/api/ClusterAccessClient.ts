import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
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
    const { items } = await this.get<{ items: HistoryEvent[] }>(
      `/history${query ? `?${query}` : ''}`,
    );
    return items;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('cluster-access');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
