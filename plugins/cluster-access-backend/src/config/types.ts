import { HumanDuration } from '@backstage/types';
import {
  CertificateUsernameFormat,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterSettings } from '@cluster-access/plugin-cluster-access-node';
import { ClusterSources } from './clusters';

/**
 * `clusterAccess.certificates`, with defaults applied. `usernameFormat` and
 * `groupPrefix` also name users and Groups in namespace RoleBindings.
 *
 * @internal
 */
export interface CertificatesSettings {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  usernameFormat: CertificateUsernameFormat;
  groupPrefix: string;
  includeVaultGroups: boolean;
  /** Empty: no restriction. */
  allowedGroups: string[];
  /** Patterns never emitted, on top of the built-in `system:*` and `kubeadm:*`. */
  deniedGroups: string[];
}

/**
 * How the backend logs in to Vault.
 *
 * @internal
 */
export type VaultAuthSettings =
  | { method: 'token'; token: string }
  | { method: 'tokenFile'; tokenFile: string }
  | { method: 'kubernetes'; mount: string; role: string; jwtFile: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string };

/**
 * `clusterAccess.vault`, with defaults applied.
 *
 * @internal
 */
export interface VaultSettings {
  address: string;
  pkiMount: string;
  role: string;
  timeoutMs: number;
  /** PEM of the expected issuing CA, when configured with `caFile`. */
  caPem?: string;
  /** PEM of CAs to trust for Vault's TLS certificate. */
  tlsCaPem?: string;
  identity: { aliasMountPath?: string; cacheTtlSeconds?: number };
  auth: VaultAuthSettings;
}

/**
 * The namespace part of the configuration (tiers, request expiry, the
 * scheduled work), with defaults applied.
 *
 * @internal
 */
export interface NamespacesSettings {
  tiers: TierInfo[];
  /** How long a pending request waits for a decision before it expires. */
  pendingExpiryMs: number;
  /** Cluster roles members may grant in their namespaces. */
  delegableClusterRoles: string[];
  /** Where the app mounts the Cluster Access page, for links in notifications. */
  pagePath: string;
  reconcile: { frequency: HumanDuration; timeout: HumanDuration };
  worker: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    /** Namespaces provisioned at once per cluster by one replica. */
    concurrencyPerCluster: number;
  };
}

/**
 * The whole `clusterAccess` configuration, read and checked once at startup.
 *
 * @internal
 */
export interface ClusterAccessSettings {
  certificates: CertificatesSettings;
  /** Undefined when certificate issuance through Vault is not configured. */
  vault?: VaultSettings;
  /**
   * The clusters declared in config (`clusterAccess.clusters` and
   * `kubernetes.clusterLocatorMethods` of type `config`), used by
   * certificates and namespaces alike. Catalog clusters come later, through
   * the cluster directory.
   */
  clusters: ClusterSettings[];
  /** Every source of clusters, including how catalog clusters are read. */
  clusterSources: ClusterSources;
  namespaces: NamespacesSettings;
}
