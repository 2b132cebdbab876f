import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ServiceUnavailableError,
  stringifyError,
  toError,
} from '@backstage/errors';
import { clusterAccessCertificateCreatePermission } from '@cluster-access/plugin-cluster-access-common';
import { JsonObject } from '@backstage/types';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { createApiRouter } from './createApiRouter';
import { CertificateService } from '../certificates/CertificateService';
import { HistoryStore } from '../history/HistoryStore';
import { createHistoryRouter } from './historyRouter';
import { Caller } from '../lib/caller';
import { requirePermission } from './requirePermission';
import { parseInput } from './validation';

/** Everything the router needs, built once by the plugin. */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
  history: HistoryStore;
  /** Undefined when no certificate signer is configured. */
  certificates?: CertificateService;
}

const certificateRequestSchema = z.strictObject({
  // A PEM CSR with an RSA-8192 key and a few dozen groups stays well below.
  csr: z.string().min(1).max(32_768),
  ttlSeconds: z.number().int().positive().optional(),
});

/**
 * The HTTP API of the Cluster Access backend without the namespace routes:
 * health, history and certificates.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(await createHistoryRouter(options));
  router.use(await createCertificatesRouter(options));
  return router;
}

/** The certificate routes: identity, issue, list and revoke. */
// A router is a list of thin handlers, one per route of openapi.yaml; it
// stays one function until it is generated from the spec (exception to the
// 80-line rule, see the README).
// eslint-disable-next-line max-lines-per-function
export async function createCertificatesRouter(
  options: Omit<RouterOptions, 'history'>,
): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, auditor, logger } = options;
  // Requests are checked against openapi.yaml before they reach a handler.
  const router = await createApiRouter(httpAuth);

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
      user: Caller,
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
      await requirePermission(
        permissions,
        clusterAccessCertificateCreatePermission,
        credentials,
      );
      const service = options.certificates;
      if (!service) {
        throw new ServiceUnavailableError(
          'Certificate issuance is not configured (clusterAccess.vault, or a signer module)',
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
