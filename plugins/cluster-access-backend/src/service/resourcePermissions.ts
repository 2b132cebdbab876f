import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, toError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE } from '@cluster-access/plugin-cluster-access-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { NamespaceRequestResource } from '../namespaces/requests/permissionRules';

/**
 * Checks a conditional decision against the request being filed or the
 * namespace acted on; throws `NotAllowedError` when the policy's conditions
 * do not hold for it.
 */
export type ResourceCheck = (
  resource: NamespaceRequestResource,
) => Promise<void>;

/**
 * Asks the policy once per call, before anything else is read: a definite
 * DENY is a 403 at once; otherwise the returned check is run by the service
 * once it knows the tier, cluster and owner, and applies the conditions with
 * the rules registered for the `cluster-access-request` resource type.
 */
export function createResourceAuthorizer(
  permissions: PermissionsService,
  ruleset: PermissionRuleset<NamespaceRequestResource>,
) {
  const isAllowed = createConditionAuthorizer(ruleset);
  return async (
    permission: ResourcePermission<typeof CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE>,
    credentials: BackstageCredentials,
  ): Promise<ResourceCheck> => {
    const [decision] = await permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    return async resource => {
      if (!isAllowed(decision, resource)) {
        throw new NotAllowedError(
          `You are not allowed to ${permission.name} for tier ${resource.tier} on cluster ${resource.cluster} owned by ${resource.owner}`,
        );
      }
    };
  };
}

/**
 * Asks the policy once and returns whether its decision holds for a given
 * resource, without throwing: for telling a user up front where they may act
 * (the policy cannot be asked about a request that does not exist yet). The
 * routes that act still check with {@link createResourceAuthorizer}.
 */
export function createResourceFilter(
  permissions: PermissionsService,
  ruleset: PermissionRuleset<NamespaceRequestResource>,
) {
  const isAllowed = createConditionAuthorizer(ruleset);
  return async (
    permission: ResourcePermission<typeof CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE>,
    credentials: BackstageCredentials,
  ): Promise<(resource: NamespaceRequestResource) => boolean> => {
    const [decision] = await permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return resource => isAllowed(decision, resource);
  };
}

/** What an audited route records besides its outcome. */
export interface AuditOptions {
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  meta?: JsonObject;
}

/**
 * Runs a writing route inside an auditor event, opened before the caller is
 * authenticated so that refusals (401, 403) are audited too, as the
 * certificate routes do.
 */
export async function audited<T>(
  auditor: AuditorService,
  req: Request,
  options: AuditOptions,
  handler: () => Promise<{ result: T; meta?: JsonObject }>,
): Promise<T> {
  const event = await auditor.createEvent({ ...options, request: req });
  try {
    const { result, meta } = await handler();
    await event.success({ meta });
    return result;
  } catch (e) {
    const error = toError(e);
    await event.fail({ error });
    throw error;
  }
}
