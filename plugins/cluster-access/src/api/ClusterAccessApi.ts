import { createApiRef } from '@backstage/core-plugin-api';
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
  NamespaceRequestKind,
  NamespaceRequestManifests,
  NamespaceRequestStatus,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';

/**
 * Filters for the public history.
 *
 * @public
 */
export interface HistoryFilter {
  /** Only the events of this namespace request (its UUID). */
  request?: string;
  /** Only the events of this namespace, as `<cluster>/<namespace>`. */
  namespace?: string;
  /** Only the events this entity ref (or `system`) caused; compared as written. */
  actor?: string;
  /** At most this many events (1–1000); absent: 100. */
  limit?: number;
}

/**
 * A page of the public history (`GET /history` with `cursor`).
 *
 * @public
 */
export interface HistoryPage {
  /** Newest first. */
  items: HistoryEvent[];
  /**
   * `nextCursor` is set when older events match the same filters: pass it
   * as `cursor`, with the same filter, for the next page.
   */
  pageInfo: { nextCursor?: string };
}

/**
 * Filters for namespace requests (`GET /requests`).
 *
 * @public
 */
export interface NamespaceRequestFilter {
  /** Only requests in one of these statuses. */
  status?: NamespaceRequestStatus[];
  /** Only requests for this owner Group entity ref. */
  owner?: string;
  /** Only the signed-in user's own requests. */
  mine?: boolean;
  /** Only requests the signed-in user approved or rejected, newest decision first. */
  decidedByMe?: boolean;
  /** Only requests for namespaces on this cluster. */
  cluster?: string;
  /** Only requests for a namespace of this name (on any cluster unless `cluster` is set). */
  namespace?: string;
  /** Only requests for new namespaces (`create`) or only deletions (`decommission`). */
  kind?: NamespaceRequestKind;
  /** At most this many (1–1000). */
  limit?: number;
}

/**
 * Filters for managed namespaces (`GET /namespaces`).
 *
 * @public
 */
export interface ManagedNamespaceFilter {
  /** Only namespaces owned by this Group entity ref. */
  owner?: string;
  /** Only namespaces on this cluster. */
  cluster?: string;
  /** Only namespaces this User entity ref has access to. */
  user?: string;
}

/**
 * Filters for the access view (`GET /access`).
 *
 * @public
 */
export interface NamespaceAccessFilter {
  /** Only namespaces owned by this Group entity ref. */
  owner?: string;
  /** Only namespaces on this cluster. */
  cluster?: string;
  /** The namespace's name in the cluster. */
  namespace?: string;
  /** Only the ways in of this User entity ref. */
  user?: string;
  /** Only the signed-in user's own ways in (instead of `user`). */
  mine?: boolean;
  /** Only entries that let in someone who is neither a member nor an extra member. */
  flagged?: boolean;
}

/**
 * Identifies a managed namespace.
 *
 * @public
 */
export interface NamespaceRef {
  /** Name of the cluster the namespace is on. */
  cluster: string;
  /** The namespace's name in the cluster. */
  name: string;
}

/**
 * The answer to adding an extra member (`POST …/members`, 201). The common
 * package has no type for it, so it is defined here after the OpenAPI
 * description.
 *
 * @public
 */
export interface AddedNamespaceMember {
  /** User entity ref, as the backend normalised it. */
  user: string;
  /** The Kubernetes user name bound in the namespace. */
  username: string;
  /** False when the cluster could not be reached; the reconciler grants it later. */
  applied: boolean;
}

/**
 * The answer to removing an extra member (`DELETE …/members/:user`).
 *
 * @public
 */
export interface RemovedNamespaceMember {
  /** False when the cluster could not be reached; the reconciler revokes it later. */
  applied: boolean;
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
   * Reads one page of the public history, newest first; `cursor` (the
   * previous page's `pageInfo.nextCursor`, with the same filter) reads the
   * next, older one.
   */
  listHistoryPage(
    filter?: HistoryFilter & { cursor?: string },
  ): Promise<HistoryPage>;

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

  /**
   * The configured tiers, what a namespace of each gets, and where the
   * signed-in user may request one (clusters and their own Groups).
   */
  listTiers(): Promise<RequestableTier[]>;

  /** The clusters namespaces can be requested on, with their tiers. */
  listClusters(): Promise<NamespaceClusterInfo[]>;

  /**
   * Asks for a namespace for one of the signed-in user's Groups. Resolves to
   * the request: `pending`, or `approved` for tiers that need no approval.
   */
  createRequest(input: NamespaceRequestInput): Promise<NamespaceRequest>;

  /** Namespace requests, newest first. */
  listRequests(filter?: NamespaceRequestFilter): Promise<NamespaceRequest[]>;

  /** One namespace request. */
  getRequest(options: { id: string }): Promise<NamespaceRequest>;

  /**
   * The Kubernetes objects a request applies (or applied), as objects and as
   * one YAML file, rendered by the backend's provisioner.
   */
  getRequestManifests(options: {
    id: string;
  }): Promise<NamespaceRequestManifests>;

  /** Approves a pending request; never the caller's own. */
  approveRequest(options: {
    id: string;
    comment?: string;
  }): Promise<NamespaceRequest>;

  /** Rejects a pending request, saying why. */
  rejectRequest(options: {
    id: string;
    comment: string;
  }): Promise<NamespaceRequest>;

  /** Takes back the caller's own pending request. */
  withdrawRequest(options: {
    id: string;
    comment?: string;
  }): Promise<NamespaceRequest>;

  /** Managed namespaces with status, members and quota usage. */
  listNamespaces(filter?: ManagedNamespaceFilter): Promise<ManagedNamespace[]>;

  /**
   * Who can get into managed namespaces and why: through the owner Group,
   * as an extra member, or through a RoleBinding made with kubectl.
   */
  listAccess(filter?: NamespaceAccessFilter): Promise<NamespaceAccess[]>;

  /** Gives a user access to a namespace beyond its owner Group. */
  addMember(
    options: NamespaceRef & { user: string },
  ): Promise<AddedNamespaceMember>;

  /** Takes access away from an extra member. */
  removeMember(
    options: NamespaceRef & { user: string },
  ): Promise<RemovedNamespaceMember>;

  /**
   * Files a request to delete a namespace. It always needs an approval; the
   * namespace is deleted once it is approved.
   */
  decommissionNamespace(
    options: NamespaceRef & { reason?: string },
  ): Promise<NamespaceRequest>;
}

/**
 * API ref for {@link ClusterAccessApi}.
 *
 * @public
 */
export const clusterAccessApiRef = createApiRef<ClusterAccessApi>({
  id: 'plugin.cluster-access.api',
});
