import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE,
  CLUSTER_ACCESS_REQUEST_RULES,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import { z } from 'zod';
import { normalizeRef } from '../members/groups';

/**
 * Query form of the request rules (the store filters on these columns).
 *
 * @public
 */
export type NamespaceRequestPermissionQuery = {
  property: 'tier' | 'cluster' | 'owner';
  values: string[];
};

/**
 * What the rules of the `cluster-access-request` resource type look at: a
 * stored request, a request being filed, or the request behind a managed
 * namespace (for member changes and decommissioning).
 *
 * @public
 */
export type NamespaceRequestResource = Pick<
  NamespaceRequest,
  'tier' | 'cluster' | 'owner'
>;

/**
 * The `cluster-access-request` resource type, for conditional decisions on
 * `cluster-access.request.create`, `.request.approve`,
 * `.namespace.members.manage` and `.namespace.delete`.
 *
 * @public
 */
export const namespaceRequestResourceRef = createPermissionResourceRef<
  NamespaceRequestResource,
  NamespaceRequestPermissionQuery
>().with({
  pluginId: 'cluster-access',
  resourceType: CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE,
});

const isTier = createPermissionRule({
  name: CLUSTER_ACCESS_REQUEST_RULES.IS_TIER,
  description: 'Allow when the request is for a namespace of one of the tiers',
  resourceRef: namespaceRequestResourceRef,
  paramsSchema: z.object({
    tiers: z.array(z.string()).describe('Tier names, e.g. qa'),
  }),
  apply: (request, { tiers }) => tiers.includes(request.tier),
  toQuery: ({ tiers }) => ({ property: 'tier', values: tiers }),
});

const isCluster = createPermissionRule({
  name: CLUSTER_ACCESS_REQUEST_RULES.IS_CLUSTER,
  description:
    'Allow when the request is for a namespace on one of the clusters',
  resourceRef: namespaceRequestResourceRef,
  paramsSchema: z.object({
    clusters: z.array(z.string()).describe('Cluster names'),
  }),
  apply: (request, { clusters }) => clusters.includes(request.cluster),
  toQuery: ({ clusters }) => ({ property: 'cluster', values: clusters }),
});

function normalizeOwners(owners: string[]): string[] {
  return owners.flatMap(o => {
    try {
      return [normalizeRef(o, 'group')];
    } catch {
      return [];
    }
  });
}

const hasOwner = createPermissionRule({
  name: CLUSTER_ACCESS_REQUEST_RULES.HAS_OWNER,
  description: 'Allow when the owner Group of the request is one of the given',
  resourceRef: namespaceRequestResourceRef,
  paramsSchema: z.object({
    owners: z
      .array(z.string())
      .describe('Group entity refs, e.g. group:default/payments'),
  }),
  apply: (request, { owners }) =>
    normalizeOwners(owners).includes(request.owner),
  toQuery: ({ owners }) => ({
    property: 'owner',
    values: normalizeOwners(owners),
  }),
});

/**
 * The permission rules of namespace requests.
 *
 * @public
 */
export const namespaceRequestPermissionRules = { isTier, isCluster, hasOwner };

const exports = createConditionExports({
  resourceRef: namespaceRequestResourceRef,
  rules: namespaceRequestPermissionRules,
});

/**
 * Conditions for policy authors, e.g.
 * `namespaceRequestConditions.isTier({ tiers: ['qa'] })`.
 *
 * @public
 */
export const namespaceRequestConditions = exports.conditions;

/**
 * Builds a conditional decision on any of the four resource permissions
 * (request create and approve, namespace members manage and delete).
 *
 * @public
 */
export const createNamespaceRequestConditionalDecision =
  exports.createConditionalDecision;
