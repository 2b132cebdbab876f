import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  clusterAccessHistoryReadPermission,
  ENTITY_REF_MAX_LENGTH,
} from '@cluster-access/plugin-cluster-access-common';
import express from 'express';
import { z } from 'zod';
import { createApiRouter } from './createApiRouter';
import { HistoryStore } from '../history/HistoryStore';
import { requirePermission } from './requirePermission';
import {
  decodeHistoryCursor,
  encodeHistoryCursor,
} from '../history/historyCursor';
import { parseInput } from './validation';

const historyQuerySchema = z.strictObject({
  request: z.uuid().optional(),
  namespace: z.string().min(1).max(320).optional(),
  actor: z.string().min(1).max(ENTITY_REF_MAX_LENGTH).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

/** `GET /health` (no credentials) and `GET /history`. */
export async function createHistoryRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  history: Pick<HistoryStore, 'listHistoryPage'>;
}): Promise<express.Router> {
  const { httpAuth, permissions, history } = options;
  // Requests are checked against openapi.yaml before they reach a handler.
  const router = await createApiRouter(httpAuth);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The history is public to every signed-in user, by design: everyone can
  // see who asked for what and who approved it. Policies that allow by
  // default allow the read permission; an operator's policy may deny it.
  router.get('/history', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await requirePermission(
      permissions,
      clusterAccessHistoryReadPermission,
      credentials,
    );
    const { cursor, limit, ...filters } = parseInput(
      historyQuerySchema,
      req.query,
      'query',
    );
    const page = await history.listHistoryPage({
      requestId: filters.request,
      namespace: filters.namespace,
      actor: filters.actor,
      limit,
      before: cursor ? decodeHistoryCursor(cursor, filters) : undefined,
    });
    const nextCursor =
      page.nextBefore === undefined
        ? undefined
        : encodeHistoryCursor(page.nextBefore, filters);
    res.json({ items: page.items, pageInfo: nextCursor ? { nextCursor } : {} });
  });

  return router;
}
