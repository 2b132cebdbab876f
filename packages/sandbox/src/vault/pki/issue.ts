import * as x509 from '@peculiar/x509';
import { badRequest } from '../errors';
import { Body, getBool, getString } from '../fields';
import { GoCsr, parseGoCsr } from '../csr';
import type { RequestContext, Route, VaultResult } from '../types';
import {
  base64Of,
  cryptoImpl,
  formatSerial,
  parsePemBlocks,
  pemOf,
} from './certs';
import {
  checkKey,
  csrKeyInfo,
  ExportedKey,
  exportPrivateKey,
  generateKeyPair,
} from './keys';
import { issueLeaf } from './leaf';
import { readRole, verbatimRole } from './roles';
import type { Issuer, PkiMount } from './state';

/** `sign`, `sign-verbatim` and `issue` (Vault's `path_issue_sign.go`). */

export type ResponseFormat = 'pem' | 'der' | 'pem_bundle';

/** Vault's `getFormat`, checked before anything is generated. */
export function responseFormat(body: Body): ResponseFormat {
  const format = getString(body, 'format', 'pem');
  if (format !== 'pem' && format !== 'der' && format !== 'pem_bundle') {
    throw badRequest(
      'the "format" path parameter must be "pem", "der", or "pem_bundle"',
    );
  }
  return format;
}

function parseCsr(body: Body): GoCsr {
  const text = getString(body, 'csr', '');
  if (!text) throw badRequest('"csr" is empty');
  const block = parsePemBlocks(text)[0];
  if (!block) throw badRequest('csr contains no data');
  try {
    return parseGoCsr(block.der);
  } catch (e) {
    throw badRequest(
      `certificate request could not be parsed: ${(e as Error).message}`,
    );
  }
}

async function verifyCsr(csr: GoCsr): Promise<void> {
  let signatureOk = false;
  try {
    signatureOk = await csr.request.verify(cryptoImpl);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) throw badRequest('request signature invalid');
}

/** Formats a signing response like `pathIssueSignCert`. */
function issueResponse(
  issuer: Issuer,
  cert: x509.X509Certificate,
  body: Body,
  warnings: string[],
  privateKey?: ExportedKey,
): VaultResult {
  const format = responseFormat(body);
  const removeRoots = getBool(body, 'remove_roots_from_chain', false);
  const chain = issuer.chain.filter(
    c => !(removeRoots && c.subject === c.issuer),
  );
  const data: Record<string, unknown> = {
    expiration: Math.floor(cert.notAfter.getTime() / 1000),
    serial_number: formatSerial(cert.serialNumber),
  };
  if (format === 'der') {
    data.certificate = base64Of(cert);
    data.issuing_ca = base64Of(issuer.cert);
    data.ca_chain = chain.map(base64Of);
    if (privateKey) data.private_key = privateKey.der.toString('base64');
  } else {
    data.certificate =
      format === 'pem_bundle'
        ? [privateKey?.pem, pemOf(cert), ...chain.map(pemOf)]
            .filter(Boolean)
            .join('\n')
        : pemOf(cert);
    data.issuing_ca = issuer.pem;
    data.ca_chain = chain.map(pemOf);
    if (privateKey) data.private_key = privateKey.pem;
  }
  if (privateKey) data.private_key_type = privateKey.type;
  return { data, warnings };
}

async function handleSign(
  pki: PkiMount,
  ctx: RequestContext,
  roleName: string | undefined,
  verbatim: boolean,
  issuerRef?: string,
): Promise<VaultResult> {
  const mount = pki.mount();
  const stored = roleName !== undefined ? readRole(pki, roleName) : undefined;
  const role = verbatim ? verbatimRole(stored, ctx.body) : stored!;
  responseFormat(ctx.body);
  const issuer = pki.state.requireIssuer(issuerRef ?? role.issuer_ref);
  const csr = parseCsr(ctx.body);
  const info = csrKeyInfo(csr.request.publicKey);
  await verifyCsr(csr);
  checkKey(role, info);
  const { cert, warnings } = await issueLeaf({
    role,
    body: ctx.body,
    issuer,
    publicKey: csr.request.publicKey,
    csr,
    useCsrValues: verbatim,
    now: ctx.now,
    mount,
  });
  if (!role.no_store) pki.state.storeCert(cert, issuer.id);
  if (
    role.use_csr_common_name &&
    getString(ctx.body, 'common_name', '') !== ''
  ) {
    warnings.push(
      'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
    );
  }
  if (role.use_csr_sans && getString(ctx.body, 'alt_names', '') !== '') {
    warnings.push(
      'the alt_names field was provided but the role is set with "use_csr_sans" set to true',
    );
  }
  pki.logger.info(
    `pki ${mount.path}: signed certificate ${formatSerial(
      cert.serialNumber,
    )} (${verbatim ? 'sign-verbatim' : 'sign'})`,
  );
  return issueResponse(issuer, cert, ctx.body, warnings);
}

async function handleIssue(
  pki: PkiMount,
  ctx: RequestContext,
  roleName: string,
): Promise<VaultResult> {
  const role = readRole(pki, roleName);
  if (role.key_type === 'any') {
    throw badRequest(
      'role key type "any" not allowed for issuing certificates, only signing',
    );
  }
  responseFormat(ctx.body);
  const issuer = pki.state.requireIssuer(role.issuer_ref);
  const generated = await generateKeyPair(role.key_type, role.key_bits);
  const publicKey = await x509.PublicKey.create(
    generated.keys.publicKey,
    cryptoImpl,
  );
  const { cert, warnings } = await issueLeaf({
    role,
    body: ctx.body,
    issuer,
    publicKey,
    useCsrValues: false,
    now: ctx.now,
    mount: pki.mount(),
  });
  if (!role.no_store) pki.state.storeCert(cert, issuer.id);
  const privateKey = exportPrivateKey(
    generated.keyObject,
    role.key_type,
    getString(ctx.body, 'private_key_format', 'der'),
  );
  return issueResponse(issuer, cert, ctx.body, warnings, privateKey);
}

export function issueRoutes(pki: PkiMount): Route[] {
  const sign = (verbatim: boolean) => (ctx: RequestContext) =>
    handleSign(pki, ctx, ctx.params.role, verbatim, ctx.params.ref);
  return [
    { pattern: 'issuer/:ref/sign/:role', write: sign(false) },
    { pattern: 'issuer/:ref/sign-verbatim/:role', write: sign(true) },
    { pattern: 'sign/:role', write: sign(false) },
    { pattern: 'sign-verbatim', write: sign(true) },
    { pattern: 'sign-verbatim/:role', write: sign(true) },
    {
      pattern: 'issue/:role',
      write: ctx => handleIssue(pki, ctx, ctx.params.role),
    },
  ];
}
