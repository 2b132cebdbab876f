import { createApiRef } from '@backstage/core-plugin-api';
import {
  CertificateIdentity,
  CertificateRecord,
  CertificateRequest,
  HistoryEvent,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';

/**
 * Filters for the public history.
 *
 * @public
 */
export interface HistoryFilter {
  request?: string;
  namespace?: string;
  actor?: string;
  limit?: number;
}

/**
 * The Cluster Access backend, as the frontend sees it.
 *
 * @public
 */
export interface ClusterAccessApi {
  /** Reads the public history, newest first. */
  listHistory(filter?: HistoryFilter): Promise<HistoryEvent[]>;

  /**
   * Who the signed-in user is for certificates: the subject a CSR must carry
   * and the TTL limits.
   */
  getIdentity(): Promise<CertificateIdentity>;

  /**
   * Asks the backend to have a CSR signed. Only the CSR is sent; the private
   * key stays with the caller.
   */
  issueCertificate(request: CertificateRequest): Promise<IssuedCertificate>;

  /** The signed-in user's own certificates. */
  listCertificates(): Promise<CertificateRecord[]>;

  /** Revokes one of the signed-in user's certificates. */
  revokeCertificate(options: {
    serialNumber: string;
  }): Promise<CertificateRecord>;
}

/**
 * API ref for {@link ClusterAccessApi}.
 *
 * @public
 */
export const clusterAccessApiRef = createApiRef<ClusterAccessApi>({
  id: 'plugin.cluster-access.api',
});
