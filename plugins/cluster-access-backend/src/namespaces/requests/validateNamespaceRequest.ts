import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  matchesNamingPattern,
  namespaceNamePart,
  namespaceNameProblems,
  NamespaceRequestInput,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterSettings } from '@cluster-access/plugin-cluster-access-node';
import { parseRefInput } from '../members/groups';

/** An owner Group entity ref from input; 400 when it is not a Group ref. */
export function parseOwner(owner: string): string {
  const ref = parseRefInput(owner, 'group', 'owner');
  if (parseEntityRef(ref).kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new InputError(`owner must be a Group entity ref, got ${owner}`);
  }
  return ref;
}

/** A request that passed {@link validateNamespaceRequest}. */
export interface ValidNamespaceRequest {
  tier: TierInfo;
  cluster: ClusterSettings;
  /** The owner Group's normalised entity ref. */
  owner: string;
}

function findTier(tiers: TierInfo[], name: string): TierInfo {
  const tier = tiers.find(t => t.name === name);
  if (!tier) {
    throw new InputError(
      `Unknown tier ${name}; known tiers: ${tiers.map(t => t.name).join(', ')}`,
    );
  }
  return tier;
}

function findCluster(
  clusters: ClusterSettings[],
  name: string,
  tier: TierInfo,
): ClusterSettings {
  const cluster = clusters.find(c => c.name === name);
  if (!cluster) {
    throw new InputError(`Unknown cluster ${name}`);
  }
  if (!tier.clusters.includes(cluster.name)) {
    throw new InputError(
      `Tier ${tier.name} is not offered on cluster ${cluster.name}`,
    );
  }
  if (!cluster.credentials) {
    throw new InputError(
      `Cluster ${cluster.name} is not set up for namespace requests`,
    );
  }
  return cluster;
}

/**
 * The rules of a namespace request that need nothing but configuration: a
 * known tier offered on a known cluster that can be provisioned, a Group
 * owner, a valid name that follows the tier's naming rule. Pure; every
 * failure is a 400 naming the problem, in this order.
 */
export function validateNamespaceRequest(
  input: NamespaceRequestInput,
  settings: { tiers: TierInfo[]; clusters: ClusterSettings[] },
): ValidNamespaceRequest {
  const tier = findTier(settings.tiers, input.tier);
  const cluster = findCluster(settings.clusters, input.cluster, tier);
  const owner = parseOwner(input.owner);
  const problems = namespaceNameProblems(input.namespace);
  if (problems.length > 0) {
    throw new InputError(
      `Invalid namespace name ${JSON.stringify(
        input.namespace,
      )}: ${problems.join('; ')}`,
    );
  }
  const group = namespaceNamePart(parseEntityRef(owner).name);
  if (
    !matchesNamingPattern({
      name: input.namespace,
      pattern: tier.namingPattern,
      group,
      tier: tier.name,
    })
  ) {
    throw new InputError(
      `Namespace ${input.namespace} does not follow the naming rule of tier ${tier.name}: ${tier.namingPattern} (group ${group})`,
    );
  }
  return { tier, cluster, owner };
}
