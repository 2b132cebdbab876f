import { badRequest } from '../errors';
import { isoTime } from '../ids';
import { listResult } from '../types';
import type { Route, VaultResult } from '../types';
import { normalizeSerial } from './certs';
import { buildCrl } from './crl';
import { chainPems, Issuer, PkiMount, StoredCert } from './state';

/**
 * The unauthenticated fetch endpoints of the default issuer, its CRL and the stored certificates
 * (Vault's `path_fetch.go`), plus the certificate lists.
 */

const PKIX_CERT = 'application/pkix-cert';
const PEM_CHAIN = 'application/pem-certificate-chain';

/** `ca`, `ca/pem`, `ca_chain`: raw bodies, 204 while there is no default issuer. */
function rawCa(pki: PkiMount, format: 'der' | 'pem' | 'chain'): VaultResult {
  const issuer = pki.state.defaultIssuer();
  const contentType = format === 'pem' ? PEM_CHAIN : PKIX_CERT;
  if (!issuer) return { raw: { status: 204, contentType, body: '' } };
  let body: string | Buffer;
  if (format === 'der') body = Buffer.from(issuer.cert.rawData);
  else if (format === 'pem') body = issuer.pem;
  else body = chainPems(issuer).join('\n');
  return { raw: { contentType, body } };
}

/** `crl`, `crl/pem`: the default issuer's CRL, 204 while no issuer can sign one. */
async function rawCrl(pki: PkiMount, pem: boolean): Promise<VaultResult> {
  const contentType = pem ? 'application/x-pem-file' : 'application/pkix-crl';
  const issuer = pki.state.defaultIssuer();
  if (!issuer?.privateKey)
    return { raw: { status: 204, contentType, body: '' } };
  const crl = await buildCrl(pki.state, issuer);
  const body = pem ? crl.toString('pem').trim() : Buffer.from(crl.rawData);
  return { raw: { contentType, body } };
}

/** The `cert/...` shape: a PEM and its (absent) revocation. */
function certData(
  certificate: string,
  extra: Record<string, unknown> = {},
): VaultResult {
  return {
    data: {
      certificate,
      ...extra,
      revocation_time: 0,
      revocation_time_rfc3339: '',
    },
  };
}

function storedCertView(stored: StoredCert): VaultResult {
  return {
    data: {
      certificate: stored.pem,
      revocation_time: stored.revocationTime ?? 0,
      revocation_time_rfc3339:
        stored.revocationTime !== undefined
          ? isoTime(stored.revocationTime * 1000)
          : '',
      issuer_id: stored.issuerId,
    },
  };
}

function requireDefaultIssuer(pki: PkiMount): Issuer {
  const issuer = pki.state.defaultIssuer();
  if (!issuer) throw badRequest('no default issuer currently configured');
  return issuer;
}

/** `cert/:serial[...]`: a stored certificate by serial (colons or hyphens), 404 when unknown. */
function readStored(
  pki: PkiMount,
  view: (stored: StoredCert) => VaultResult,
): Route['read'] {
  return ctx => {
    const stored = pki.state.certs.get(normalizeSerial(ctx.params.serial));
    return stored ? view(stored) : null;
  };
}

function certListRoutes(pki: PkiMount): Route[] {
  const { certs } = pki.state;
  const hyphenated = (serial: string) => serial.replace(/:/g, '-');
  return [
    {
      pattern: 'certs',
      list: () => listResult(Array.from(certs.keys()).map(hyphenated)),
    },
    {
      pattern: 'certs/revoked',
      list: () =>
        listResult(
          Array.from(certs.values())
            .filter(c => c.revocationTime !== undefined)
            .map(c => hyphenated(c.serial)),
        ),
    },
  ];
}

export function fetchRoutes(pki: PkiMount): Route[] {
  // The first matching pattern serves a path: the fixed `cert/...` names come before
  // `cert/:serial`.
  return [
    { pattern: 'ca', unauthenticated: true, read: () => rawCa(pki, 'der') },
    { pattern: 'ca/pem', unauthenticated: true, read: () => rawCa(pki, 'pem') },
    {
      pattern: 'ca_chain',
      unauthenticated: true,
      read: () => rawCa(pki, 'chain'),
    },
    {
      pattern: 'cert/ca_chain',
      unauthenticated: true,
      read: () => {
        const chain = chainPems(requireDefaultIssuer(pki)).join('\n');
        return certData(chain, { ca_chain: chain });
      },
    },
    {
      pattern: 'cert/ca',
      unauthenticated: true,
      read: () => certData(requireDefaultIssuer(pki).pem),
    },
    {
      pattern: 'cert/crl',
      unauthenticated: true,
      read: async () => {
        const issuer = pki.state.defaultIssuer();
        if (!issuer?.privateKey)
          throw badRequest('no default issuer currently configured');
        const crl = await buildCrl(pki.state, issuer);
        return certData(crl.toString('pem').trim());
      },
    },
    {
      pattern: 'cert/:serial/raw',
      unauthenticated: true,
      read: readStored(pki, stored => ({
        raw: { contentType: PKIX_CERT, body: stored.der },
      })),
    },
    {
      pattern: 'cert/:serial/raw/pem',
      unauthenticated: true,
      read: readStored(pki, stored => ({
        raw: { contentType: PEM_CHAIN, body: stored.pem },
      })),
    },
    {
      pattern: 'cert/:serial',
      unauthenticated: true,
      read: readStored(pki, storedCertView),
    },
    ...certListRoutes(pki),
    { pattern: 'crl', unauthenticated: true, read: () => rawCrl(pki, false) },
    {
      pattern: 'crl/pem',
      unauthenticated: true,
      read: () => rawCrl(pki, true),
    },
  ];
}
