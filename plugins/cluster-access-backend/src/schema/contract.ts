import type {
  CertificateIdentity,
  CertificateRecord,
  ClusterAccessApiSchemas as Spec,
  HistoryEvent,
  IssuedCertificate,
  ManagedNamespace,
  NamespaceAccess,
  NamespaceClusterInfo,
  NamespaceRequestStatus,
  RequestableTier,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import type { StoredNamespaceRequest } from '../namespaces/requests/NamespaceStore';

// Types only, checked by tsc (part of the test command): the types the
// routers answer with are the schemas openapi.yaml gives for those answers.

/**
 * Compiles only when `A` fits the spec's schema `B`: tsc (`yarn tsc`, part
 * of the test command) fails when a -common type drifts from openapi.yaml.
 */
type Fits<A extends B, B> = [A, B];
/**
 * -common types `status` of namespaces and access entries as a string; the
 * backend only ever sends a RequestStatus, as the spec says.
 */
type WithStatus<T> = Omit<T, 'status'> & { status: NamespaceRequestStatus };
export type RouterAnswers = [
  Fits<HistoryEvent, Spec['HistoryEvent']>,
  Fits<CertificateIdentity, Spec['CertificateIdentity']>,
  Fits<IssuedCertificate, Spec['IssuedCertificate']>,
  Fits<CertificateRecord, Spec['CertificateRecord']>,
  Fits<TierInfo, Spec['Tier']>,
  Fits<RequestableTier, Spec['RequestableTier']>,
  Fits<NamespaceClusterInfo, Spec['Cluster']>,
  // What toApiRequest sends: the stored request (kind and attempts always
  // set) without the worker's lease.
  Fits<
    Omit<StoredNamespaceRequest, 'claimedBy' | 'claimExpiresAt'>,
    Spec['NamespaceRequest']
  >,
  Fits<WithStatus<ManagedNamespace>, Spec['ManagedNamespace']>,
  Fits<WithStatus<NamespaceAccess>, Spec['NamespaceAccess']>,
];
