import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  clusterAccessNamespaceDeletePermission,
  clusterAccessNamespaceMembersManagePermission,
  clusterAccessRequestApprovePermission,
  clusterAccessRequestCreatePermission,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  Caller,
  isSameEntity,
  NamespaceRequestService,
  toApiRequest,
} from '../namespaces/NamespaceRequestService';
import { NamespaceAccessService } from '../namespaces/NamespaceAccessService';
import { parseInput } from './validation';

/**
 * Everything the namespace routes need, built once by the plugin.
 *
 * @public
 */
export interface NamespacesRouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** The registered rules of the request resource type, to evaluate conditional decisions. */
  requestRuleset: PermissionRuleset<NamespaceRequest>;
  service: NamespaceRequestService;
  /** Who can get in, and why. */
  access: NamespaceAccessService;
}

const STATUSES = [
  'pending',
  'approved',
  'provisioning',
  'ready',
  'failed',
  'rejected',
  'expired',
  'decommissioning',
  'deleted',
] as const;

const name = z.string().min(1).max(253);
const createRequestSchema = z.strictObject({
  cluster: name,
  namespace: name,
  owner: z.string().min(1).max(255),
  tier: z.string().min(1).max(63),
  reason: z.string().trim().min(1).max(2000),
});
const listRequestsSchema = z.strictObject({
  status: z
    .string()
    .transform(s => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(STATUSES)).min(1))
    .optional(),
  owner: z.string().min(1).max(255).optional(),
  mine: z.enum(['true', 'false']).optional(),
  cluster: name.optional(),
  namespace: name.optional(),
  kind: z.enum(['create', 'decommission']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const idSchema = z.uuid();
const approveSchema = z.strictObject({
  comment: z.string().trim().min(1).max(2000).optional(),
});
const rejectSchema = z.strictObject({
  comment: z.string().trim().min(1).max(2000),
});
const listNamespacesSchema = z.strictObject({
  owner: z.string().min(1).max(255).optional(),
  cluster: name.optional(),
  user: z.string().min(1).max(255).optional(),
});
const listAccessSchema = z.strictObject({
  owner: z.string().min(1).max(255).optional(),
  cluster: name.optional(),
  namespace: name.optional(),
  user: z.string().min(1).max(255).optional(),
  flagged: z.enum(['true', 'false']).optional(),
});
const addMemberSchema = z.strictObject({ user: z.string().min(1).max(255) });
const decommissionSchema = z.strictObject({
  reason: z.string().trim().min(1).max(2000).optional(),
});

/**
 * The namespace request API: tiers, clusters, requests and their decisions,
 * managed namespaces, members and decommissioning. Mounted next to the main
 * router at `/api/cluster-access`; published in `src/schema/openapi.yaml`.
 *
 * @public
 */
export async function createNamespacesRouter(
  options: NamespacesRouterOptions,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, service } = options;
  const canApprove = createConditionAuthorizer(options.requestRuleset);
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

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

  async function requireAllowed(
    credentials: BackstageCredentials,
    permission:
      | typeof clusterAccessRequestCreatePermission
      | typeof clusterAccessNamespaceMembersManagePermission
      | typeof clusterAccessNamespaceDeletePermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  }

  // Reading tiers, clusters, requests and namespaces is open to every
  // signed-in user, like the history: who asked for what is public.
  router.get('/tiers', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: service.listTiers() });
  });

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: service.listClusters() });
  });

  router.post('/requests', async (req, res) => {
    const { credentials, caller: user } = await caller(req);
    await requireAllowed(credentials, clusterAccessRequestCreatePermission);
    const input = parseInput(createRequestSchema, req.body, 'request');
    const request = await service.createRequest(input, user);
    res.status(201).json(request);
  });

  router.get('/requests', async (req, res) => {
    const { caller: user } = await caller(req);
    const query = parseInput(listRequestsSchema, req.query, 'query');
    const items = await service.listRequests({
      status: query.status,
      owner: query.owner,
      requester: query.mine === 'true' ? user.userEntityRef : undefined,
      cluster: query.cluster,
      namespace: query.namespace,
      kind: query.kind,
      limit: query.limit,
    });
    res.json({ items });
  });

  router.get('/requests/:id', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(idSchema, req.params.id, 'request id');
    res.json(toApiRequest(await service.getRequest(id)));
  });

  async function decide(
    req: Request,
    decision: 'approve' | 'reject',
  ): Promise<NamespaceRequest> {
    const { credentials, caller: user } = await caller(req);
    const id = parseInput(idSchema, req.params.id, 'request id');
    const body =
      decision === 'approve'
        ? parseInput(approveSchema, req.body ?? {}, 'body')
        : parseInput(rejectSchema, req.body ?? {}, 'body');
    const request = toApiRequest(await service.getRequest(id));
    // Requester ≠ approver holds whatever the policy says.
    if (isSameEntity(request.requester, user.userEntityRef)) {
      throw new NotAllowedError('You cannot decide on your own request');
    }
    const [result] = await permissions.authorizeConditional(
      [{ permission: clusterAccessRequestApprovePermission }],
      { credentials },
    );
    if (!canApprove(result, request)) {
      throw new NotAllowedError(
        `Not allowed to decide on requests like ${id} (tier ${request.tier}, cluster ${request.cluster}, owner ${request.owner})`,
      );
    }
    return service.decide({
      id,
      decision,
      comment: body.comment,
      caller: user,
    });
  }

  router.post('/requests/:id/approve', async (req, res) => {
    res.json(await decide(req, 'approve'));
  });

  router.post('/requests/:id/reject', async (req, res) => {
    res.json(await decide(req, 'reject'));
  });

  router.get('/namespaces', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseInput(listNamespacesSchema, req.query, 'query');
    res.json({ items: await service.listNamespaces(query) });
  });

  // Who can get in and why is as public as the members list.
  router.get('/access', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseInput(listAccessSchema, req.query, 'query');
    const items = await options.access.listAccess({
      ...query,
      flagged: query.flagged === 'true',
    });
    res.json({ items });
  });

  router.post('/namespaces/:cluster/:name/members', async (req, res) => {
    const { credentials, caller: user } = await caller(req);
    await requireAllowed(
      credentials,
      clusterAccessNamespaceMembersManagePermission,
    );
    const body = parseInput(addMemberSchema, req.body, 'body');
    const member = await service.addMember({
      cluster: req.params.cluster,
      namespace: req.params.name,
      user: body.user,
      caller: user,
    });
    res.status(201).json(member);
  });

  router.delete(
    '/namespaces/:cluster/:name/members/:user',
    async (req, res) => {
      const { credentials, caller: user } = await caller(req);
      await requireAllowed(
        credentials,
        clusterAccessNamespaceMembersManagePermission,
      );
      const result = await service.removeMember({
        cluster: req.params.cluster,
        namespace: req.params.name,
        user: req.params.user,
        caller: user,
      });
      res.json(result);
    },
  );

  router.delete('/namespaces/:cluster/:name', async (req, res) => {
    const { credentials, caller: user } = await caller(req);
    await requireAllowed(credentials, clusterAccessNamespaceDeletePermission);
    const body = parseInput(decommissionSchema, req.body ?? {}, 'body');
    const request = await service.requestDecommission({
      cluster: req.params.cluster,
      namespace: req.params.name,
      reason: body.reason ?? 'Decommission requested',
      caller: user,
    });
    res.status(202).json(request);
  });

  return router;
}
