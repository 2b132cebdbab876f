import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { parseCertificateUsernameFormat } from '@cluster-access/plugin-cluster-access-common';
import { readFileSync } from 'node:fs';
import {
  CertificatesSettings,
  VaultAuthSettings,
  VaultSettings,
} from './types';

const DEFAULT_TTL_SECONDS = 8 * 3600;
const MAX_TTL_SECONDS = 24 * 3600;
const DEFAULT_JWT_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function positiveInt(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(
      `clusterAccess: '${key}' must be a positive integer, got ${value}`,
    );
  }
  return value;
}

/**
 * A duration in Backstage's `HumanDuration` form (`{ hours: 8 }`, `PT8H`,
 * `8h`) under `key`, or the older number under `legacyKey` (in units of
 * `legacyUnitMs`); not both. Returned in milliseconds, whole `unitMs`.
 */
export function durationMs(
  config: Config,
  key: string,
  legacy: { key: string; unitMs: number },
  fallbackMs: number,
  prefix: string,
): number {
  if (config.has(key) && config.has(legacy.key)) {
    throw new Error(`${prefix}: set ${key} or ${legacy.key}, not both`);
  }
  if (!config.has(key)) {
    return (
      positiveInt(config, legacy.key, fallbackMs / legacy.unitMs) *
      legacy.unitMs
    );
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (e) {
    throw new Error(`${prefix}.${key}: ${(e as Error).message}`);
  }
  if (!(ms > 0) || ms % legacy.unitMs !== 0) {
    throw new Error(
      `${prefix}.${key} must be a positive duration in whole ${
        legacy.unitMs === 1000 ? 'seconds' : 'milliseconds'
      }`,
    );
  }
  return ms;
}

function mountPath(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}

/** Reads a PEM file named in config; the error names the key. */
export function readPemFile(path: string, key: string): string {
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

function readGroupPrefix(config: Config): string {
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
  return groupPrefix;
}

/** `clusterAccess.certificates`; `config` is that block (empty when absent). */
export function readCertificates(config: Config): CertificatesSettings {
  const ttl = (key: string, fallbackSeconds: number) =>
    durationMs(
      config,
      key,
      { key: `${key}Seconds`, unitMs: 1000 },
      fallbackSeconds * 1000,
      'clusterAccess.certificates',
    ) / 1000;
  const defaultTtlSeconds = ttl('defaultTtl', DEFAULT_TTL_SECONDS);
  const maxTtlSeconds = ttl('maxTtl', MAX_TTL_SECONDS);
  if (defaultTtlSeconds > maxTtlSeconds) {
    throw new Error(
      `clusterAccess.certificates: the default TTL (${defaultTtlSeconds} s) exceeds the maximum (${maxTtlSeconds} s)`,
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
    groupPrefix: readGroupPrefix(config),
    includeVaultGroups: config.getOptionalBoolean('includeVaultGroups') ?? true,
    allowedGroups: patterns('allowedGroups'),
    deniedGroups: patterns('deniedGroups'),
  };
}

function readVaultAuth(config: Config): VaultAuthSettings {
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

/** `clusterAccess.vault`, or undefined when it is not configured. */
export function readVault(
  config: Config | undefined,
): VaultSettings | undefined {
  if (!config) return undefined;
  const address = config.getString('address').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(address)) {
    throw new Error(
      `clusterAccess.vault.address must be an http(s) URL, got '${address}'`,
    );
  }
  const caFile = config.getOptionalString('caFile');
  const tlsCaFile = config.getOptionalString('tlsCaFile');
  const aliasMountPath = config.getOptionalString('identity.aliasMountPath');
  const cacheTtlSeconds =
    config.getOptionalNumber('identity.cacheTtlSeconds') ?? 30;
  if (!Number.isInteger(cacheTtlSeconds) || cacheTtlSeconds < 0) {
    throw new Error(
      `clusterAccess.vault.identity.cacheTtlSeconds must be a whole number of seconds, 0 or more; got ${cacheTtlSeconds}`,
    );
  }
  return {
    address,
    pkiMount: mountPath(config.getOptionalString('pkiMount') ?? 'pki'),
    role: config.getOptionalString('role') ?? 'kubernetes-client',
    timeoutMs: durationMs(
      config,
      'timeout',
      { key: 'timeoutMs', unitMs: 1 },
      5000,
      'clusterAccess.vault',
    ),
    caPem: caFile
      ? readPemFile(caFile, 'clusterAccess.vault.caFile')
      : undefined,
    tlsCaPem: tlsCaFile
      ? readPemFile(tlsCaFile, 'clusterAccess.vault.tlsCaFile')
      : undefined,
    identity: {
      aliasMountPath: aliasMountPath ? mountPath(aliasMountPath) : undefined,
      cacheTtlSeconds,
    },
    auth: readVaultAuth(config.getConfig('auth')),
  };
}
