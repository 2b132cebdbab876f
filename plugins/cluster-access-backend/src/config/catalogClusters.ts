import {
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { ClusterSettings } from '@cluster-access/plugin-cluster-access-node';
import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';

/**
 * The catalog filter of Backstage's `CatalogClusterLocator`: the same
 * entities are clusters for the Kubernetes plugin and for Cluster Access.
 */
export function catalogClusterFilter(): Record<string, string | symbol> {
  const exists = (annotation: string) => [
    `metadata.annotations.${annotation}`,
    CATALOG_FILTER_EXISTS,
  ];
  return Object.fromEntries([
    ['kind', 'Resource'],
    ['spec.type', 'kubernetes-cluster'],
    exists(ANNOTATION_KUBERNETES_API_SERVER),
    exists(ANNOTATION_KUBERNETES_API_SERVER_CA),
    exists(ANNOTATION_KUBERNETES_AUTH_PROVIDER),
  ]);
}

function isNonPublic(address: string): boolean {
  try {
    return ipaddr.process(address).range() !== 'unicast';
  } catch {
    return true;
  }
}

function hostAllowed(hostname: string, patterns: string[]): boolean {
  return patterns.some(raw => {
    const pattern = raw.toLowerCase();
    if (pattern.startsWith('*.')) {
      return (
        hostname.endsWith(pattern.slice(1)) || hostname === pattern.slice(2)
      );
    }
    return hostname === pattern;
  });
}

/** Resolves a host name; replaceable in tests. */
export type Resolve = (hostname: string) => Promise<string[]>;

const dnsResolve: Resolve = async hostname =>
  (await lookup(hostname, { all: true })).map(a => a.address);

/**
 * The checks Backstage's catalog locator makes of an API server URL taken
 * from an entity (`validateClusterApiServerUrl`), stricter on the scheme: an
 * https URL without credentials, on a public address unless its host is
 * allowed. Whoever can register a catalog entity must not be able to point
 * users' kubeconfigs, or the backend, at an internal address.
 */
export async function checkCatalogApiServerUrl(
  raw: string,
  allowedHosts: string[],
  resolve: Resolve = dnsResolve,
): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${ANNOTATION_KUBERNETES_API_SERVER} is not a URL`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`${ANNOTATION_KUBERNETES_API_SERVER} must be an https URL`);
  }
  if (url.username || url.password) {
    throw new Error(
      `${ANNOTATION_KUBERNETES_API_SERVER} must not contain credentials`,
    );
  }
  const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (!hostAllowed(hostname, allowedHosts)) {
    const addresses = ipaddr.isValid(hostname)
      ? [hostname]
      : await resolve(hostname);
    if (addresses.length === 0 || addresses.some(isNonPublic)) {
      throw new Error(
        `${ANNOTATION_KUBERNETES_API_SERVER} host ${hostname} is not a public address; list it in dangerouslyAllowClusterUrls to allow it`,
      );
    }
  }
  return raw.replace(/\/+$/, '');
}

/** A catalog cluster, or why an entity is not one. */
export type CatalogClusterResult =
  | { cluster: ClusterSettings; ref: string }
  | { problem: string; ref: string };

function decodeCa(data: string): string | undefined {
  const pem = Buffer.from(data, 'base64').toString('utf8');
  return pem.includes('-----BEGIN CERTIFICATE-----') ? pem : undefined;
}

/**
 * A `kubernetes-cluster` Resource as a cluster: its name, title, API server
 * and CA. Nothing secret is ever taken from an entity: provisioning
 * credentials only come from `clusterAccess.clusters`. The
 * `kubernetes.io/skip-tls-verify` annotation is ignored: TLS is always
 * verified.
 */
export async function catalogCluster(
  entity: Entity,
  allowedHosts: string[],
  resolve?: Resolve,
): Promise<CatalogClusterResult> {
  const ref = stringifyEntityRef(entity);
  const annotations = entity.metadata.annotations ?? {};
  const caPem = decodeCa(
    annotations[ANNOTATION_KUBERNETES_API_SERVER_CA] ?? '',
  );
  if (!caPem) {
    return {
      ref,
      problem: `${ANNOTATION_KUBERNETES_API_SERVER_CA} is not a base64 PEM certificate`,
    };
  }
  try {
    const url = await checkCatalogApiServerUrl(
      annotations[ANNOTATION_KUBERNETES_API_SERVER] ?? '',
      allowedHosts,
      resolve,
    );
    const title = entity.metadata.title;
    return {
      ref,
      cluster: {
        name: entity.metadata.name,
        ...(title ? { title } : {}),
        url,
        caPem,
      },
    };
  } catch (e) {
    return { ref, problem: (e as Error).message };
  }
}
