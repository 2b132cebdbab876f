import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  clusterAccessNamespaceDeletePermission,
  clusterAccessNamespaceMembersManagePermission,
  clusterAccessNamespaceReadPermission,
  clusterAccessRequestApprovePermission,
  clusterAccessRequestCreatePermission,
  ENTITY_REF_MAX_LENGTH,
  NAMESPACE_REQUEST_STATUSES,
  OBJECT_NAME_MAX_LENGTH,
  REASON_MAX_LENGTH,
  TIER_NAME_MAX_LENGTH,
} from '@cluster-access/plugin-cluster-access-common';
import { JsonObject } from '@backstage/types';
import express, { Request } from 'express';
import { z } from 'zod';
import { createApiRouter } from './createApiRouter';
import { NamespaceAccessService } from '../namespaces/access/NamespaceAccessService';
import { ManagedNamespaceService } from '../namespaces/requests/ManagedNamespaceService';
import { NamespaceMembershipService } from '../namespaces/requests/NamespaceMembershipService';
import {
  NamespaceRequestService,
  toApiRequest,
} from '../namespaces/requests/NamespaceRequestService';
import { Caller } from '../lib/caller';
import { NamespaceRequestResource } from '../namespaces/requests/permissionRules';
import {
  audited,
  AuditOptions,
  createResourceAuthorizer,
  createResourceFilter,
} from './resourcePermissions';
import { requirePermission } from './requirePermission';
import { parseInput } from './validation';

/**
 * Everything the namespace routes need, built once by the plugin.
 *
 * @internal
 */
export interface NamespacesRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Every write (request, decide, members, decommission) is an audit event. */
  auditor: AuditorService;
  /** The registered rules of the request resource type, to evaluate conditional decisions. */
  requestRuleset: PermissionRuleset<NamespaceRequestResource>;
  requests: NamespaceRequestService;
  namespaces: ManagedNamespaceService;
  membership: NamespaceMembershipService;
  /** Who can get in, and why. */
  access: NamespaceAccessService;
}

const name = z.string().min(1).max(OBJECT_NAME_MAX_LENGTH);
const ref = z.string().min(1).max(ENTITY_REF_MAX_LENGTH);
const text = z.string().trim().min(1).max(REASON_MAX_LENGTH);
const createRequestSchema = z.strictObject({
  cluster: name,
  namespace: name,
  owner: ref,
  tier: z.string().min(1).max(TIER_NAME_MAX_LENGTH),
  reason: text,
});
const listRequestsSchema = z.strictObject({
  status: z
    .string()
    .transform(s => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(NAMESPACE_REQUEST_STATUSES)).min(1))
    .optional(),
  owner: ref.optional(),
  mine: z.enum(['true', 'false']).optional(),
  decidedByMe: z.enum(['true', 'false']).optional(),
  cluster: name.optional(),
  namespace: name.optional(),
  kind: z.enum(['create', 'decommission']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const idSchema = z.uuid();
const approveSchema = z.strictObject({
  comment: text.optional(),
});
const rejectSchema = z.strictObject({
  comment: text,
});
const listNamespacesSchema = z.strictObject({
  owner: ref.optional(),
  cluster: name.optional(),
  user: ref.optional(),
});
const listAccessSchema = z.strictObject({
  owner: ref.optional(),
  cluster: name.optional(),
  namespace: name.optional(),
  user: ref.optional(),
  flagged: z.enum(['true', 'false']).optional(),
  mine: z.enum(['true', 'false']).optional(),
});
const addMemberSchema = z.strictObject({ user: ref });
const decommissionSchema = z.strictObject({
  reason: text.optional(),
});

/**
 * The namespace request API: tiers, clusters, requests and their decisions,
 * managed namespaces, members and decommissioning. Mounted next to the main
 * router at `/api/cluster-access`; published in `src/schema/openapi.yaml`.
 *
 * @internal
 */
// A router is a list of thin handlers, one per route of openapi.yaml; it
// stays one function until it is generated from the spec (exception to the
// 80-line rule, see the README).
// eslint-disable-next-line max-lines-per-function
export async function createNamespacesRouter(
  options: NamespacesRouterOptions,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, requests } = options;
  const canApprove = createConditionAuthorizer(options.requestRuleset);
  const authorizer = createResourceAuthorizer(
    permissions,
    options.requestRuleset,
  );
  const resourceFilter = createResourceFilter(
    permissions,
    options.requestRuleset,
  );
  const audit = <T>(
    req: Request,
    event: AuditOptions,
    handler: () => Promise<{ result: T; meta?: JsonObject }>,
  ) => audited(options.auditor, req, event, handler);
  // Requests are checked against openapi.yaml before they reach a handler.
  const router = await createApiRouter(httpAuth);

  async function caller(
    req: Request,
  ): Promise<{ credentials: BackstageCredentials; caller: Caller }> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const info = await userInfo.getUserInfo(credentials);
    return {
      credentials,
      caller: {
        userEntityRef: info.userEntityRef,
        ownershipEntityRefs: info.ownershipEntityRefs,
      },
    };
  }

  /**
   * A signed-in user allowed to read requests and namespaces. Policies that
   * allow by default allow it (who asked for what is public, like the
   * history); an operator's policy may deny it (403).
   */
  async function reader(req: Request): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await requirePermission(
      permissions,
      clusterAccessNamespaceReadPermission,
      credentials,
    );
    return credentials;
  }

  // Tiers and clusters are configuration the request form needs, open to
  // every signed-in user; requests and namespaces need the read permission.
  // Each tier also says where the caller may request one, so that the form
  // offers only that (and says calmly when there is nothing); filing checks
  // again.
  router.get('/tiers', async (req, res) => {
    const { credentials, caller: user } = await caller(req);
    const allows = await resourceFilter(
      clusterAccessRequestCreatePermission,
      credentials,
    );
    res.json({ items: await requests.listRequestableTiers(user, allows) });
  });

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: requests.listClusters() });
  });

  router.post('/requests', async (req, res) => {
    const event: AuditOptions = {
      eventId: 'namespace-request',
      severityLevel: 'medium',
    };
    const request = await audit(req, event, async () => {
      const { credentials, caller: user } = await caller(req);
      const authorize = await authorizer(
        clusterAccessRequestCreatePermission,
        credentials,
      );
      const input = parseInput(createRequestSchema, req.body, 'request');
      const result = await requests.createRequest(input, user, authorize);
      return { result, meta: requestMeta(result) };
    });
    res.status(201).json(request);
  });

  // Validates and renders what filing would apply, filing nothing: the
  // scaffolder's dry run. A read, so not audited.
  router.post('/requests/dry-run', async (req, res) => {
    const { credentials, caller: user } = await caller(req);
    const authorize = await authorizer(
      clusterAccessRequestCreatePermission,
      credentials,
    );
    const input = parseInput(createRequestSchema, req.body, 'request');
    res.json(await requests.dryRunRequest(input, user, authorize));
  });

  router.get('/requests', async (req, res) => {
    await reader(req);
    const { caller: user } = await caller(req);
    const query = parseInput(listRequestsSchema, req.query, 'query');
    const items = await requests.listRequests({
      status: query.status,
      owner: query.owner,
      requester: query.mine === 'true' ? user.userEntityRef : undefined,
      decidedBy: query.decidedByMe === 'true' ? user.userEntityRef : undefined,
      cluster: query.cluster,
      namespace: query.namespace,
      kind: query.kind,
      limit: query.limit,
    });
    res.json({ items });
  });

  router.get('/requests/:id', async (req, res) => {
    await reader(req);
    const id = parseInput(idSchema, req.params.id, 'request id');
    res.json(toApiRequest(await requests.getRequest(id)));
  });

  // As open as the request itself: the objects name the members, who are
  // public like the members list.
  const manifestsQuerySchema = z.strictObject({
    format: z.enum(['json', 'yaml']).optional(),
  });
  router.get('/requests/:id/manifests', async (req, res) => {
    await reader(req);
    const id = parseInput(idSchema, req.params.id, 'request id');
    const query = parseInput(manifestsQuerySchema, req.query, 'query');
    const manifests = await requests.getManifests(id);
    if (query.format !== 'yaml') {
      res.json(manifests);
      return;
    }
    res
      .status(200)
      .type('text/yaml')
      .attachment(manifests.filename)
      .send(manifests.yaml);
  });

  async function decide(req: Request, decision: 'approve' | 'reject') {
    const { credentials, caller: user } = await caller(req);
    const id = parseInput(idSchema, req.params.id, 'request id');
    const body =
      decision === 'approve'
        ? parseInput(approveSchema, req.body ?? {}, 'body')
        : parseInput(rejectSchema, req.body ?? {}, 'body');
    return requests.decide({
      id,
      decision,
      comment: body.comment,
      caller: user,
      authorize: async request => {
        const [result] = await permissions.authorizeConditional(
          [{ permission: clusterAccessRequestApprovePermission }],
          { credentials },
        );
        if (!canApprove(result, request)) {
          throw new NotAllowedError(
            `Not allowed to decide on requests like ${id} (tier ${request.tier}, cluster ${request.cluster}, owner ${request.owner})`,
          );
        }
      },
    });
  }

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/requests/:id/${decision}`, async (req, res) => {
      const event: AuditOptions = {
        eventId: 'namespace-request-decide',
        severityLevel: 'high',
        meta: { requestId: req.params.id, decision },
      };
      const decided = await audit(req, event, async () => {
        const result = await decide(req, decision);
        return { result, meta: requestMeta(result) };
      });
      res.json(decided);
    });
  }

  // Only the requester may withdraw (checked by the service): it undoes
  // nothing but their own ask, so no permission of its own.
  router.post('/requests/:id/withdraw', async (req, res) => {
    const event: AuditOptions = {
      eventId: 'namespace-request-withdraw',
      severityLevel: 'medium',
      meta: { requestId: req.params.id },
    };
    const withdrawn = await audit(req, event, async () => {
      const { caller: user } = await caller(req);
      const id = parseInput(idSchema, req.params.id, 'request id');
      const body = parseInput(approveSchema, req.body ?? {}, 'body');
      const result = await requests.withdraw({
        id,
        comment: body.comment,
        caller: user,
      });
      return { result, meta: requestMeta(result) };
    });
    res.json(withdrawn);
  });

  router.get('/namespaces', async (req, res) => {
    await reader(req);
    const query = parseInput(listNamespacesSchema, req.query, 'query');
    res.json({ items: await options.namespaces.list(query) });
  });

  // Who can get in and why is as public as the members list.
  // `mine=true` takes the user from the credentials, so "what can I do"
  // needs no entity ref from the page.
  router.get('/access', async (req, res) => {
    await reader(req);
    const { caller: user } = await caller(req);
    const query = parseInput(listAccessSchema, req.query, 'query');
    const { mine, ...filter } = query;
    const self = mine === 'true' ? user.userEntityRef : undefined;
    if (self && filter.user) {
      throw new InputError('Give either user or mine=true, not both');
    }
    const items = await options.access.listAccess({
      ...filter,
      user: self ?? filter.user,
      flagged: filter.flagged === 'true',
    });
    res.json({ items });
  });

  const namespaceMeta = (req: Request) => ({
    cluster: req.params.cluster,
    namespace: req.params.name,
  });

  router.post('/namespaces/:cluster/:name/members', async (req, res) => {
    const event: AuditOptions = {
      eventId: 'namespace-member-add',
      severityLevel: 'high',
      meta: namespaceMeta(req),
    };
    const member = await audit(req, event, async () => {
      const { credentials, caller: user } = await caller(req);
      const authorize = await authorizer(
        clusterAccessNamespaceMembersManagePermission,
        credentials,
      );
      const body = parseInput(addMemberSchema, req.body, 'body');
      const result = await options.membership.addMember({
        cluster: req.params.cluster,
        namespace: req.params.name,
        user: body.user,
        caller: user,
        authorize,
      });
      return { result, meta: { user: result.user, applied: result.applied } };
    });
    res.status(201).json(member);
  });

  router.delete(
    '/namespaces/:cluster/:name/members/:user',
    async (req, res) => {
      const event: AuditOptions = {
        eventId: 'namespace-member-remove',
        severityLevel: 'high',
        meta: { ...namespaceMeta(req), user: req.params.user },
      };
      const removed = await audit(req, event, async () => {
        const { credentials, caller: user } = await caller(req);
        const authorize = await authorizer(
          clusterAccessNamespaceMembersManagePermission,
          credentials,
        );
        const result = await options.membership.removeMember({
          cluster: req.params.cluster,
          namespace: req.params.name,
          user: req.params.user,
          caller: user,
          authorize,
        });
        return { result, meta: { applied: result.applied } };
      });
      res.json(removed);
    },
  );

  router.delete('/namespaces/:cluster/:name', async (req, res) => {
    const event: AuditOptions = {
      eventId: 'namespace-decommission',
      severityLevel: 'medium',
      meta: namespaceMeta(req),
    };
    const request = await audit(req, event, async () => {
      const { credentials, caller: user } = await caller(req);
      const authorize = await authorizer(
        clusterAccessNamespaceDeletePermission,
        credentials,
      );
      const body = parseInput(decommissionSchema, req.body ?? {}, 'body');
      const result = await requests.requestDecommission({
        cluster: req.params.cluster,
        namespace: req.params.name,
        reason: body.reason ?? 'Decommission requested',
        caller: user,
        authorize,
      });
      return { result, meta: requestMeta(result) };
    });
    res.status(202).json(request);
  });

  return router;
}

/** What the audit log keeps of a request: which, where, whose, and its status. */
function requestMeta(request: {
  id: string;
  cluster: string;
  namespace: string;
  owner: string;
  tier: string;
  status: string;
}) {
  const { id, cluster, namespace, owner, tier, status } = request;
  return { requestId: id, cluster, namespace, owner, tier, status };
}
