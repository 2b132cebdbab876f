import * as x509 from '@peculiar/x509';
import { badRequest } from '../errors';
import { getString } from '../fields';
import { isoTime } from '../ids';
import type { RequestContext, Route, VaultResult } from '../types';
import {
  cryptoImpl,
  formatSerial,
  keyIdentifier,
  normalizeSerial,
  parsePemBlocks,
} from './certs';
import type { Issuer, PkiMount, PkiState } from './state';

/** Revocation (`path_revoke.go`) and the CRL an issuer signs (`crl_util.go`). */

const CRL_LIFETIME_SECONDS = 72 * 3600;

/** The serial a revoke request names, by `serial_number` or by the certificate itself. */
function requestedSerial(ctx: RequestContext): string {
  const serial = getString(ctx.body, 'serial_number', '');
  const certPem = getString(ctx.body, 'certificate', '');
  if (serial && certPem)
    throw badRequest(
      'Must provide either the certificate or the serial to revoke; not both.',
    );
  if (!serial && !certPem)
    throw badRequest('The serial number must be provided');
  if (!certPem) return normalizeSerial(serial);
  const block = parsePemBlocks(certPem)[0];
  if (!block) throw badRequest('certificate contains no data');
  return normalizeSerial(new x509.X509Certificate(block.der).serialNumber);
}

function revoke(pki: PkiMount, ctx: RequestContext): VaultResult {
  const serial = requestedSerial(ctx);
  const issuer = pki.state.issuers.find(
    i => formatSerial(i.cert.serialNumber) === serial,
  );
  if (issuer) {
    throw badRequest(
      `adding issuer (id: ${issuer.id}) to its own CRL is not allowed`,
    );
  }
  const stored = pki.state.certs.get(serial);
  if (!stored) throw badRequest(`certificate with serial ${serial} not found.`);
  if (stored.revocationTime === undefined) {
    stored.revocationTime = Math.floor(ctx.now / 1000);
    pki.logger.info(`pki ${pki.mount().path}: revoked certificate ${serial}`);
  }
  return {
    data: {
      revocation_time: stored.revocationTime,
      revocation_time_rfc3339: isoTime(stored.revocationTime * 1000),
      state: 'revoked',
    },
  };
}

/** A fresh CRL of the issuer's revoked certificates, signed by it. */
export async function buildCrl(
  state: PkiState,
  issuer: Issuer,
): Promise<x509.X509Crl> {
  const now = Date.now();
  const entries = Array.from(state.certs.values())
    .filter(c => c.revocationTime !== undefined && c.issuerId === issuer.id)
    .map(c => ({
      serialNumber: c.serial.replace(/:/g, ''),
      revocationDate: new Date(c.revocationTime! * 1000),
    }));
  return x509.X509CrlGenerator.create(
    {
      issuer: issuer.cert.subjectName,
      thisUpdate: new Date(now),
      nextUpdate: new Date(now + CRL_LIFETIME_SECONDS * 1000),
      entries,
      signingKey: issuer.privateKey!,
      signingAlgorithm: issuer.signingAlgorithm,
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(
          keyIdentifier(issuer.cert.publicKey.rawData),
          false,
        ),
      ],
    },
    cryptoImpl,
  );
}

export function revokeRoutes(pki: PkiMount): Route[] {
  return [{ pattern: 'revoke', write: ctx => revoke(pki, ctx) }];
}
