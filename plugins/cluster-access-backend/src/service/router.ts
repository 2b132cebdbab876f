import {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterAccessStore } from '../database/ClusterAccessStore';

/** Everything the router needs, built once by the plugin. */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  store: ClusterAccessStore;
}

const historyQuerySchema = z.strictObject({
  request: z.uuid().optional(),
  namespace: z.string().min(1).max(320).optional(),
  actor: z.string().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .map(i => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${problems}`);
  }
  return result.data;
}

/**
 * The HTTP API of the Cluster Access backend, mounted at
 * `/api/cluster-access`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, store } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The history is public to every signed-in user, by design: everyone can
  // see who asked for what and who approved it.
  router.get('/history', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const query = parse(historyQuerySchema, req.query, 'query');
    const items = await store.listHistory({
      requestId: query.request,
      namespace: query.namespace,
      actor: query.actor,
      limit: query.limit,
    });
    res.json({ items });
  });

  return router;
}
