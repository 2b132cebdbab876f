import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  ServiceUnavailableError,
  stringifyError,
  toError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { clusterAccessCertificateCreatePermission } from '@cluster-access/plugin-cluster-access-common';
import { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  CertificateService,
  CertificateUser,
} from '../certificates/CertificateService';
import { ClusterAccessStore } from '../database/ClusterAccessStore';
import { parseInput } from './validation';

/** Everything the router needs, built once by the plugin. */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  store: ClusterAccessStore;
  /** Undefined when `clusterAccess.vault` is not configured. */
  certificates?: CertificateService;
}

const historyQuerySchema = z.strictObject({
  request: z.uuid().optional(),
  namespace: z.string().min(1).max(320).optional(),
  actor: z.string().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

const certificateRequestSchema = z.strictObject({
  // A PEM CSR with an RSA-8192 key and a few dozen groups stays well below.
  csr: z.string().min(1).max(32_768),
  ttlSeconds: z.number().int().positive().optional(),
});

/**
 * The HTTP API of the Cluster Access backend, mounted at
 * `/api/cluster-access`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, auditor, store, logger } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The history is public to every signed-in user, by design: everyone can
  // see who asked for what and who approved it.
  router.get('/history', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const query = parseInput(historyQuerySchema, req.query, 'query');
    const items = await store.listHistory({
      requestId: query.request,
      namespace: query.namespace,
      actor: query.actor,
      limit: query.limit,
    });
    res.json({ items });
  });

  /**
   * Runs a certificate route: audit event first, so that every outcome
   * (including 401/403) is audited; then user credentials, the permission,
   * and the configured service; failures of a known user also go into the
   * history.
   */
  async function certificateRoute<T>(
    req: express.Request,
    audit: {
      eventId: string;
      severityLevel: AuditorServiceEventSeverityLevel;
      meta?: JsonObject;
      history?: 'issue' | 'revoke';
    },
    handler: (
      service: CertificateService,
      user: CertificateUser,
    ) => Promise<{ result: T; meta?: JsonObject }>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: audit.eventId,
      severityLevel: audit.severityLevel,
      request: req,
      meta: audit.meta,
    });
    let actor: string | undefined;
    try {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      actor = credentials.principal.userEntityRef;
      const [decision] = await permissions.authorize(
        [{ permission: clusterAccessCertificateCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You are not allowed to ${clusterAccessCertificateCreatePermission.name}`,
        );
      }
      const service = options.certificates;
      if (!service) {
        throw new ServiceUnavailableError(
          'Certificate issuance is not configured (clusterAccess.vault)',
        );
      }
      const info = await userInfo.getUserInfo(credentials);
      const { result, meta } = await handler(service, {
        userEntityRef: info.userEntityRef,
        ownershipEntityRefs: info.ownershipEntityRefs,
      });
      await event.success({ meta });
      return result;
    } catch (e) {
      const error = toError(e);
      await event.fail({ error });
      if (actor && audit.history && options.certificates) {
        await options.certificates
          .recordFailure({
            actor,
            action: audit.history,
            error,
            serialNumber: audit.meta?.serialNumber as string | undefined,
          })
          .catch(historyError =>
            logger.error(
              `Could not record a failed certificate ${
                audit.history
              }: ${stringifyError(historyError)}`,
            ),
          );
      }
      throw error;
    }
  }

  router.get('/identity', async (req, res) => {
    const identity = await certificateRoute(
      req,
      { eventId: 'certificate-identity', severityLevel: 'low' },
      async (service, user) => {
        const result = await service.getIdentity(user);
        return {
          result,
          meta: { username: result.username, groups: result.groups },
        };
      },
    );
    res.json(identity);
  });

  router.post('/certificates', async (req, res) => {
    const issued = await certificateRoute(
      req,
      {
        eventId: 'certificate-issue',
        severityLevel: 'medium',
        history: 'issue',
      },
      async (service, user) => {
        const body = parseInput(
          certificateRequestSchema,
          req.body,
          'request body',
        );
        const result = await service.issue({
          user,
          csrPem: body.csr,
          ttlSeconds: body.ttlSeconds,
        });
        return {
          result,
          meta: {
            serialNumber: result.serialNumber,
            username: result.username,
            groups: result.groups,
            expiresAt: result.expiresAt,
          },
        };
      },
    );
    res.status(201).json(issued);
  });

  router.get('/certificates', async (req, res) => {
    const items = await certificateRoute(
      req,
      { eventId: 'certificate-list', severityLevel: 'low' },
      async (service, user) => ({ result: await service.list(user) }),
    );
    res.json({ items });
  });

  router.post('/certificates/:serial/revoke', async (req, res) => {
    const serialNumber = req.params.serial;
    const record = await certificateRoute(
      req,
      {
        eventId: 'certificate-revoke',
        severityLevel: 'medium',
        meta: { serialNumber },
        history: 'revoke',
      },
      async (service, user) => ({
        result: await service.revoke({ user, serialNumber }),
      }),
    );
    res.json(record);
  });

  return router;
}
