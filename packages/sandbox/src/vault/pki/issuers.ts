import * as x509 from '@peculiar/x509';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { badRequest } from '../errors';
import { getString } from '../fields';
import { newUuid } from '../ids';
import { listResult } from '../types';
import type { RequestContext, Route, VaultResult } from '../types';
import { parsePemBlocks, pemOf } from './certs';
import { importSigningKey, publicSpkiOf } from './keys';
import { generateRoot } from './root';
import { chainPems, Issuer, PkiMount } from './state';

/**
 * Issuers: generating a root (`root.ts`), importing a bundle (`path_manage_issuers.go`), the
 * default issuer, and reading issuers (`path_fetch_issuers.go`).
 */

function parseBundle(bundle: string): {
  certs: x509.X509Certificate[];
  keys: KeyObject[];
} {
  if (!bundle) throw badRequest('bundle was empty');
  const blocks = parsePemBlocks(bundle);
  if (blocks.length === 0) throw badRequest('no data found in PEM block');
  const certs: x509.X509Certificate[] = [];
  const keys: KeyObject[] = [];
  for (const block of blocks) {
    if (block.type === 'CERTIFICATE') {
      try {
        certs.push(new x509.X509Certificate(block.der));
      } catch (e) {
        throw badRequest(`error parsing certificate: ${(e as Error).message}`);
      }
    } else if (/PRIVATE KEY$/.test(block.type)) {
      if (block.type.includes('ENCRYPTED')) {
        throw badRequest(
          'Encrypted private key given; provide only decrypted private key in the bundle',
        );
      }
      try {
        keys.push(createPrivateKey({ key: block.pem, format: 'pem' }));
      } catch (e) {
        throw badRequest(`error parsing private key: ${(e as Error).message}`);
      }
    }
  }
  if (certs.length === 0 && keys.length > 0) {
    throw badRequest(
      'the Vault peer can only import keys together with their issuer certificate',
    );
  }
  return { certs, keys };
}

/** A certificate of the bundle as an issuer, with its private key when the bundle holds it. */
async function bundleIssuer(
  cert: x509.X509Certificate,
  certs: x509.X509Certificate[],
  keys: KeyObject[],
): Promise<Issuer> {
  const spki = Buffer.from(cert.publicKey.rawData);
  const keyObject = keys.find(k => publicSpkiOf(k)?.equals(spki));
  const issuer: Issuer = {
    id: newUuid(),
    name: '',
    keyId: keyObject ? newUuid() : '',
    keyName: '',
    cert,
    pem: pemOf(cert),
    chain: [cert, ...certs.filter(c => c !== cert)],
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  };
  if (keyObject) {
    const { privateKey, signingAlgorithm } = await importSigningKey(keyObject);
    issuer.privateKey = privateKey;
    issuer.keyObject = keyObject;
    issuer.signingAlgorithm = signingAlgorithm;
  }
  return issuer;
}

async function importBundle(
  pki: PkiMount,
  ctx: RequestContext,
): Promise<VaultResult> {
  const { certs, keys } = parseBundle(getString(ctx.body, 'pem_bundle', ''));
  const imported: string[] = [];
  const importedKeys: string[] = [];
  const existing: string[] = [];
  const mapping: Record<string, string> = {};
  for (const cert of certs) {
    const already = pki.state.issuers.find(i =>
      Buffer.from(i.cert.rawData).equals(Buffer.from(cert.rawData)),
    );
    if (already) {
      existing.push(already.id);
      continue;
    }
    const issuer = await bundleIssuer(cert, certs, keys);
    if (issuer.keyId) importedKeys.push(issuer.keyId);
    mapping[issuer.id] = issuer.keyId;
    pki.state.addIssuer(issuer);
    imported.push(issuer.id);
  }
  return {
    data: {
      imported_issuers: imported.length ? imported : null,
      imported_keys: importedKeys.length ? importedKeys : null,
      existing_issuers: existing.length ? existing : null,
      existing_keys: null,
      mapping,
    },
  };
}

function issuerView(issuer: Issuer): Record<string, unknown> {
  return {
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    key_id: issuer.keyId,
    certificate: issuer.pem,
    ca_chain: chainPems(issuer),
    leaf_not_after_behavior: 'err',
    manual_chain: null,
    usage: 'crl-signing,issuing-certificates,ocsp-signing,read-only',
    revocation_signature_algorithm: '',
    issuing_certificates: [],
    crl_distribution_points: [],
    ocsp_servers: [],
  };
}

function issuerList(pki: PkiMount): VaultResult | null {
  const { issuers, defaultIssuerId } = pki.state;
  const keyInfo: Record<string, unknown> = {};
  for (const issuer of issuers) {
    keyInfo[issuer.id] = {
      issuer_name: issuer.name,
      is_default: issuer.id === defaultIssuerId,
      key_id: issuer.keyId,
    };
  }
  return listResult(
    issuers.map(i => i.id),
    keyInfo,
  );
}

function writeDefaultIssuer(pki: PkiMount, ctx: RequestContext): VaultResult {
  const ref = getString(ctx.body, 'default', '');
  const issuer = pki.state.resolveIssuer(ref);
  if (!issuer || ref === 'default')
    throw badRequest(`unable to resolve issuer ${ref}`);
  pki.state.defaultIssuerId = issuer.id;
  return { data: { default: issuer.id, default_follows_latest_issuer: false } };
}

/** `issuer/:ref[/pem|/der|/json]`: an unknown reference is a 404. */
function readIssuer(
  pki: PkiMount,
  view: (issuer: Issuer) => VaultResult,
): Route['read'] {
  return ctx => {
    const issuer = pki.state.resolveIssuer(ctx.params.ref);
    return issuer ? view(issuer) : null;
  };
}

export function issuerRoutes(pki: PkiMount): Route[] {
  const { state } = pki;
  return [
    {
      pattern: 'root/generate/:exported',
      write: ctx => generateRoot(pki, ctx),
    },
    {
      pattern: 'issuers/generate/root/:exported',
      write: ctx => generateRoot(pki, ctx),
    },
    {
      pattern: 'root',
      delete: () => {
        state.issuers = [];
        state.defaultIssuerId = undefined;
        return null;
      },
    },
    { pattern: 'config/ca', write: ctx => importBundle(pki, ctx) },
    { pattern: 'issuers/import/bundle', write: ctx => importBundle(pki, ctx) },
    {
      pattern: 'config/issuers',
      read: () => ({
        data: {
          default: state.defaultIssuerId ?? '',
          default_follows_latest_issuer: false,
        },
      }),
      write: ctx => writeDefaultIssuer(pki, ctx),
    },
    { pattern: 'issuers', unauthenticated: true, list: () => issuerList(pki) },
    {
      pattern: 'issuer/:ref/pem',
      unauthenticated: true,
      read: readIssuer(pki, issuer => ({
        raw: {
          contentType: 'application/pem-certificate-chain',
          body: chainPems(issuer).join('\n'),
        },
      })),
    },
    {
      pattern: 'issuer/:ref/der',
      unauthenticated: true,
      read: readIssuer(pki, issuer => ({
        raw: {
          contentType: 'application/pkix-cert',
          body: Buffer.from(issuer.cert.rawData),
        },
      })),
    },
    {
      pattern: 'issuer/:ref/json',
      unauthenticated: true,
      read: readIssuer(pki, issuer => ({
        data: {
          certificate: issuer.pem,
          ca_chain: chainPems(issuer),
          issuer_id: issuer.id,
          issuer_name: issuer.name,
        },
      })),
    },
    {
      pattern: 'issuer/:ref',
      unauthenticated: true,
      read: readIssuer(pki, issuer => ({ data: issuerView(issuer) })),
    },
  ];
}
