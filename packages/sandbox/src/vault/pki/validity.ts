import { badRequest } from '../errors';
import { Body, formatGoDuration, getDuration, getString } from '../fields';
import { SYSTEM_DEFAULT_TTL, SYSTEM_MAX_TTL } from '../tokens';
import type { MountEntry } from '../types';
import type { Issuer } from './state';

/** The TTL fields of a role that bound a certificate's lifetime. */
export interface ValidityBounds {
  ttl: number;
  max_ttl: number;
  not_after: string;
}

/**
 * Vault's `GetCertificateNotAfter`: request TTL, else role TTL, else mount default; clamped to
 * the max with a warning; never past the issuer's own notAfter (`leaf_not_after_behavior=err`).
 */
export function certificateNotAfter(
  role: ValidityBounds,
  body: Body,
  mount: MountEntry,
  issuer: Issuer | undefined,
  now: number,
): { notAfter: Date; warnings: string[] } {
  const warnings: string[] = [];
  let ttl = getDuration(body, 'ttl', 0);
  const notAfterText = role.not_after || getString(body, 'not_after', '');
  if (ttl > 0 && notAfterText) {
    throw badRequest(
      'Either ttl or not_after should be provided. Both should not be provided in the same request.',
    );
  }
  if (ttl === 0 && role.ttl > 0) ttl = role.ttl;
  let maxTtl = role.max_ttl > 0 ? role.max_ttl : 0;
  if (ttl === 0) ttl = mount.defaultLeaseTtl || SYSTEM_DEFAULT_TTL;
  if (maxTtl === 0) maxTtl = mount.maxLeaseTtl || SYSTEM_MAX_TTL;
  if (ttl > maxTtl) {
    warnings.push(
      `TTL ${JSON.stringify(
        formatGoDuration(ttl),
      )} is longer than permitted maxTTL ${JSON.stringify(
        formatGoDuration(maxTtl),
      )}, so maxTTL is being used`,
    );
    ttl = maxTtl;
  }
  const notAfter = notAfterText
    ? parseNotAfter(notAfterText)
    : // X.509 times have second precision; truncating keeps `expiration` equal to NotAfter.
      new Date(Math.floor((now + ttl * 1000) / 1000) * 1000);
  if (issuer && notAfter.getTime() > issuer.cert.notAfter.getTime()) {
    throw badRequest(
      `cannot satisfy request, as TTL would result in notAfter of ${notAfter.toISOString()} that is beyond the expiration of the CA certificate at ${issuer.cert.notAfter.toISOString()}`,
    );
  }
  return { notAfter, warnings };
}

function parseNotAfter(text: string): Date {
  const notAfter = new Date(text);
  if (Number.isNaN(notAfter.getTime())) {
    throw badRequest(
      `parsing time ${JSON.stringify(
        text,
      )} as "2006-01-02T15:04:05Z07:00": cannot parse`,
    );
  }
  return notAfter;
}
