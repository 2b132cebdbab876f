import { Config, ConfigReader } from '@backstage/config';
import {
  CertificateUsernameFormat,
  parseCertificateUsernameFormat,
} from '@cluster-access/plugin-cluster-access-common';
import { readFileSync } from 'node:fs';

/**
 * `clusterAccess.certificates`, with defaults applied.
 *
 * @public
 */
export interface CertificatesConfig {
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
 * @public
 */
export type VaultAuthConfig =
  | { method: 'token'; token: string }
  | { method: 'tokenFile'; tokenFile: string }
  | { method: 'kubernetes'; mount: string; role: string; jwtFile: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string };

/**
 * `clusterAccess.vault`, with defaults applied.
 *
 * @public
 */
export interface VaultConfig {
  address: string;
  pkiMount: string;
  role: string;
  timeoutMs: number;
  /** PEM of the expected issuing CA, when configured with `caFile`. */
  caPem?: string;
  /** PEM of CAs to trust for Vault's TLS certificate. */
  tlsCaPem?: string;
  identity: { aliasMountPath?: string };
  auth: VaultAuthConfig;
}

/**
 * One entry of `clusterAccess.clusters`. Other keys (e.g. for provisioning)
 * are read elsewhere; this is what certificates need.
 *
 * @public
 */
export interface ClusterConfig {
  name: string;
  title?: string;
  url: string;
  /** Base64 of the PEM CA bundle, from `caData` or the contents of `caFile`. */
  caData?: string;
}

/**
 * The whole `clusterAccess` configuration as the plugin uses it.
 *
 * @public
 */
export interface ClusterAccessConfig {
  certificates: CertificatesConfig;
  /** Undefined when certificate issuance is not configured. */
  vault?: VaultConfig;
  clusters: ClusterConfig[];
}

const DEFAULT_TTL_SECONDS = 8 * 3600;
const MAX_TTL_SECONDS = 24 * 3600;
const DEFAULT_JWT_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function positiveInt(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(
      `clusterAccess: '${key}' must be a positive integer, got ${value}`,
    );
  }
  return value;
}

function mountPath(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}

function readPemFile(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `clusterAccess: cannot read '${key}' file ${path}: ${
        (e as Error).message
      }`,
    );
  }
}

function readCertificates(config: Config): CertificatesConfig {
  const defaultTtlSeconds = positiveInt(
    config,
    'defaultTtlSeconds',
    DEFAULT_TTL_SECONDS,
  );
  const maxTtlSeconds = positiveInt(config, 'maxTtlSeconds', MAX_TTL_SECONDS);
  if (defaultTtlSeconds > maxTtlSeconds) {
    throw new Error(
      `clusterAccess.certificates: defaultTtlSeconds (${defaultTtlSeconds}) exceeds maxTtlSeconds (${maxTtlSeconds})`,
    );
  }
  const rawPrefix = config.getOptionalString('groupPrefix') ?? '';
  // The prefix goes in front of catalog names unchanged, so it must not be
  // able to smuggle in characters a name could not hold. Lowercase, as every
  // name it precedes.
  const groupPrefix = rawPrefix.toLowerCase();
  if (!/^[a-z0-9._:-]{0,32}$/.test(groupPrefix)) {
    throw new Error(
      `clusterAccess.certificates.groupPrefix must be at most 32 characters of a-z, 0-9, '.', '_', ':' and '-', got '${rawPrefix}'`,
    );
  }
  const patterns = (key: string) => {
    const values = config.getOptionalStringArray(key) ?? [];
    if (values.some(v => !v.trim())) {
      throw new Error(
        `clusterAccess.certificates.${key} must not contain empty patterns`,
      );
    }
    return values;
  };
  return {
    defaultTtlSeconds,
    maxTtlSeconds,
    usernameFormat: parseCertificateUsernameFormat(
      config.getOptionalString('usernameFormat'),
    ),
    groupPrefix,
    includeVaultGroups: config.getOptionalBoolean('includeVaultGroups') ?? true,
    allowedGroups: patterns('allowedGroups'),
    deniedGroups: patterns('deniedGroups'),
  };
}

function readVaultAuth(config: Config): VaultAuthConfig {
  const method = config.getString('method');
  switch (method) {
    case 'token':
      return { method, token: config.getString('token') };
    case 'tokenFile':
      return { method, tokenFile: config.getString('tokenFile') };
    case 'kubernetes': {
      const k = config.getConfig('kubernetes');
      return {
        method,
        mount: mountPath(k.getOptionalString('mount') ?? 'kubernetes'),
        role: k.getString('role'),
        jwtFile: k.getOptionalString('jwtFile') ?? DEFAULT_JWT_FILE,
      };
    }
    case 'approle': {
      const a = config.getConfig('approle');
      return {
        method,
        mount: mountPath(a.getOptionalString('mount') ?? 'approle'),
        roleId: a.getString('roleId'),
        secretId: a.getString('secretId'),
      };
    }
    default:
      throw new Error(
        `clusterAccess.vault.auth.method must be one of token, tokenFile, kubernetes, approle; got '${method}'`,
      );
  }
}

function readVault(config: Config | undefined): VaultConfig | undefined {
  if (!config) return undefined;
  const address = config.getString('address').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(address)) {
    throw new Error(
      `clusterAccess.vault.address must be an http(s) URL, got '${address}'`,
    );
  }
  const caFile = config.getOptionalString('caFile');
  const tlsCaFile = config.getOptionalString('tlsCaFile');
  return {
    address,
    pkiMount: mountPath(config.getOptionalString('pkiMount') ?? 'pki'),
    role: config.getOptionalString('role') ?? 'kubernetes-client',
    timeoutMs: positiveInt(config, 'timeoutMs', 5000),
    caPem: caFile
      ? readPemFile(caFile, 'clusterAccess.vault.caFile')
      : undefined,
    tlsCaPem: tlsCaFile
      ? readPemFile(tlsCaFile, 'clusterAccess.vault.tlsCaFile')
      : undefined,
    identity: {
      aliasMountPath: config.getOptionalString('identity.aliasMountPath')
        ? mountPath(config.getString('identity.aliasMountPath'))
        : undefined,
    },
    auth: readVaultAuth(config.getConfig('auth')),
  };
}

function readClusters(configs: Config[] | undefined): ClusterConfig[] {
  const clusters = (configs ?? []).map((c, index) => {
    const name = c.getString('name');
    const url = c.getString('url');
    try {
      // eslint-disable-next-line no-new
      new URL(url);
    } catch {
      throw new Error(
        `clusterAccess.clusters[${index}].url is not a URL: '${url}'`,
      );
    }
    const caFile = c.getOptionalString('caFile');
    const caDataValue = c.getOptionalString('caData');
    if (caFile && caDataValue) {
      throw new Error(
        `clusterAccess.clusters[${index}] (${name}): set caFile or caData, not both`,
      );
    }
    const caData = caFile
      ? Buffer.from(
          readPemFile(caFile, `clusterAccess.clusters[${index}].caFile`),
        ).toString('base64')
      : caDataValue;
    return {
      name,
      title: c.getOptionalString('title'),
      url,
      ...(caData ? { caData } : {}),
    };
  });
  const names = clusters.map(c => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`clusterAccess.clusters: duplicate name '${duplicate}'`);
  }
  return clusters;
}

/**
 * Reads and checks the `clusterAccess` configuration once, including the CA
 * files it points to. Throws with a message naming the key on bad config.
 *
 * @public
 */
export function readClusterAccessConfig(config: Config): ClusterAccessConfig {
  const root = config.getOptionalConfig('clusterAccess');
  return {
    certificates: readCertificates(
      root?.getOptionalConfig('certificates') ?? new ConfigReader({}),
    ),
    vault: readVault(root?.getOptionalConfig('vault')),
    clusters: readClusters(root?.getOptionalConfigArray('clusters')),
  };
}
