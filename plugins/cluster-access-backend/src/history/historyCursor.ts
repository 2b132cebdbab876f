import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** The filters a history cursor belongs to (those of `GET /history`). */
export interface HistoryCursorFilters {
  request?: string;
  namespace?: string;
  actor?: string;
}

const cursorSchema = z.strictObject({
  before: z.number().int().positive(),
  request: z.string().optional(),
  namespace: z.string().optional(),
  actor: z.string().optional(),
});

/**
 * The opaque `cursor` of `GET /history`: base64url JSON of the `seq` the
 * next page starts below, plus the filters of the first page, so that a
 * cursor cannot silently page through other events than it was made for.
 */
export function encodeHistoryCursor(
  before: number,
  filters: HistoryCursorFilters,
): string {
  const { request, namespace, actor } = filters;
  const json = JSON.stringify({ before, request, namespace, actor });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * The `seq` a cursor pages below; throws `InputError` (400) naming
 * `cursor` when it is malformed or was made for other filters.
 */
export function decodeHistoryCursor(
  cursor: string,
  filters: HistoryCursorFilters,
): number {
  let decoded: z.infer<typeof cursorSchema>;
  try {
    const json = Buffer.from(cursor, 'base64url').toString('utf8');
    decoded = cursorSchema.parse(JSON.parse(json));
  } catch {
    throw new InputError(
      'Invalid query: cursor: not a cursor from a GET /history answer',
    );
  }
  const same = (['request', 'namespace', 'actor'] as const).every(
    key => decoded[key] === filters[key],
  );
  if (!same) {
    throw new InputError(
      'Invalid query: cursor: it was made for other filters; send the same request, namespace and actor as for the first page',
    );
  }
  return decoded.before;
}
