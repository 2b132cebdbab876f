import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ENTITY_REF_MAX_LENGTH } from '@cluster-access/plugin-cluster-access-common';
import express from 'express';
import { z } from 'zod';
import { createApiRouter } from './createApiRouter';
import { HistoryStore } from '../history/HistoryStore';
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
  history: Pick<HistoryStore, 'listHistoryPage'>;
}): Promise<express.Router> {
  const { httpAuth, history } = options;
  // Requests are checked against openapi.yaml before they reach a handler.
  const router = await createApiRouter(httpAuth);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The history is public to every signed-in user, by design: everyone can
  // see who asked for what and who approved it.
  router.get('/history', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
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
