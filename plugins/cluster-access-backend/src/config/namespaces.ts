import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { DEFAULT_PROVISIONING_CONCURRENCY } from '../namespaces/cluster/ClusterLimiter';
import { positiveInt } from './certificates';
import { readTiers } from './tiers';
import { NamespacesSettings } from './types';

function readDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  const duration = config.has(key)
    ? readDurationFromConfig(config, { key })
    : fallback;
  if (durationToMilliseconds(duration) <= 0) {
    throw new Error(`${key} must be a positive duration`);
  }
  return duration;
}

/** Roles that would let members grant more than they should: never delegable. */
const NEVER_DELEGABLE = ['admin', 'cluster-admin'];

function readDelegableClusterRoles(config: Config): string[] {
  const roles = config.getOptionalStringArray(
    'clusterAccess.namespaces.delegableClusterRoles',
  ) ?? ['view', 'edit'];
  const forbidden = roles.filter(r => NEVER_DELEGABLE.includes(r));
  if (forbidden.length > 0) {
    throw new Error(
      `clusterAccess.namespaces.delegableClusterRoles must not contain ${forbidden.join(
        ', ',
      )}`,
    );
  }
  return roles;
}

function readPagePath(config: Config): string {
  const key = 'clusterAccess.notifications.pagePath';
  const path = config.getOptionalString(key) ?? '/cluster-access';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(path)) {
    throw new Error(`${key} must be a path of the app such as /cluster-access`);
  }
  return path.replace(/\/+$/, '');
}

/** The namespace part of the configuration; `config` is the root. */
export function readNamespaces(
  config: Config,
  clusters: string[],
): NamespacesSettings {
  const duration = (key: string, fallback: HumanDuration) =>
    readDuration(config, `clusterAccess.${key}`, fallback);
  return {
    tiers: readTiers(config.getOptional('clusterAccess.tiers'), clusters),
    pendingExpiryMs: durationToMilliseconds(
      duration('requests.pendingExpiry', { days: 7 }),
    ),
    delegableClusterRoles: readDelegableClusterRoles(config),
    pagePath: readPagePath(config),
    reconcile: {
      frequency: duration('reconcile.frequency', { minutes: 5 }),
      timeout: duration('reconcile.timeout', { minutes: 4 }),
    },
    worker: {
      frequency: duration('requests.workerFrequency', { seconds: 30 }),
      timeout: duration('requests.workerTimeout', { minutes: 5 }),
      concurrencyPerCluster: positiveInt(
        config,
        'clusterAccess.requests.provisioningConcurrency',
        DEFAULT_PROVISIONING_CONCURRENCY,
      ),
    },
  };
}
