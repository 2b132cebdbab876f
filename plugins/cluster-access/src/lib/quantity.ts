import { parseQuantity } from '@cluster-access/plugin-cluster-access-common';

/*
 * How much of a quota is used, for display only: the cluster does the
 * accounting.
 */

/**
 * How much of a quota is used, from 0 to 1 (more than 1 when the cluster
 * reports usage above a lowered limit), or `undefined` when either side is
 * missing or unreadable, or the limit is zero.
 */
export function quotaFraction(options: {
  used?: string;
  hard: string;
}): number | undefined {
  if (options.used === undefined) return undefined;
  const used = parseQuantity(options.used);
  const hard = parseQuantity(options.hard);
  if (used === undefined || hard === undefined || hard <= 0) return undefined;
  return used / hard;
}
