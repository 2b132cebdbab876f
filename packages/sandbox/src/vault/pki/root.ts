import * as x509 from '@peculiar/x509';
import { badRequest } from '../errors';
import {
  Body,
  getBool,
  getDuration,
  getInt,
  getList,
  getString,
} from '../fields';
import { newUuid } from '../ids';
import type { RequestContext, VaultResult } from '../types';
import {
  base64Of,
  buildSubject,
  cryptoImpl,
  dedupe,
  formatSerial,
  generalNames,
  keyIdentifier,
  newSerialHex,
  pemOf,
  SubjectAltNames,
} from './certs';
import { ResponseFormat, responseFormat } from './issue';
import {
  ExportedKey,
  exportPrivateKey,
  GeneratedKeyPair,
  generateKeyPair,
  normalizeKeyBits,
} from './keys';
import { asHostname } from './names';
import type { Issuer, PkiMount } from './state';
import { certificateNotAfter } from './validity';

/** Generating a self-signed root issuer (Vault's `path_root.go`). */

interface RootRequest {
  exported: boolean;
  format: ResponseFormat;
  commonName: string;
  keyType: string;
  keyBits: number;
  issuerName: string;
}

/** `getGenerationParams` and the checks before a key is made, in Vault's order. */
function rootRequest(
  pki: PkiMount,
  body: Body,
  exportedParam: string,
): RootRequest {
  if (!['internal', 'exported', 'existing', 'kms'].includes(exportedParam)) {
    throw badRequest(
      `invalid type ${JSON.stringify(
        exportedParam,
      )}; must be one of internal, exported, existing, or kms`,
    );
  }
  if (exportedParam === 'kms' || exportedParam === 'existing') {
    throw badRequest(`the Vault peer does not support ${exportedParam} keys`);
  }
  const format = responseFormat(body);
  const commonName = getString(body, 'common_name', '');
  if (!commonName) throw badRequest('the common_name field is required');
  const keyType = getString(body, 'key_type', 'rsa');
  if (keyType === 'any')
    throw badRequest('key_type "any" is not valid for issuers');
  if (keyType === 'ed25519')
    throw badRequest('the Vault peer only generates rsa and ec issuer keys');
  const keyBits = normalizeKeyBits(keyType, getInt(body, 'key_bits', 0));
  if (keyType === 'ec' && keyBits === 224)
    throw badRequest(
      'the Vault peer cannot generate P-224 keys (not supported by WebCrypto)',
    );
  const issuerName = getString(body, 'issuer_name', '');
  if (issuerName && pki.state.issuers.some(i => i.name === issuerName)) {
    throw badRequest(`issuer name already in use`);
  }
  const exported = exportedParam === 'exported';
  return { exported, format, commonName, keyType, keyBits, issuerName };
}

function rootAltNames(body: Body, cn: string): SubjectAltNames {
  const altNames = getList(body, 'alt_names');
  const cnHostname =
    cn.includes('@') || getBool(body, 'exclude_cn_from_sans', false)
      ? undefined
      : asHostname(cn);
  return {
    dnsNames: dedupe([
      ...(cnHostname ? [cnHostname] : []),
      ...altNames.filter(n => !n.includes('@')),
    ]),
    emails: dedupe([
      ...(cn.includes('@') ? [cn] : []),
      ...altNames.filter(n => n.includes('@')),
    ]),
    ips: getList(body, 'ip_sans'),
    uris: getList(body, 'uri_sans'),
  };
}

/** The self-signed CA certificate, with the extensions Vault gives a root. */
async function rootCertificate(
  ctx: RequestContext,
  request: RootRequest,
  generated: GeneratedKeyPair,
  notAfter: Date,
): Promise<x509.X509Certificate> {
  const body = ctx.body;
  const publicKey = await x509.PublicKey.create(
    generated.keys.publicKey,
    cryptoImpl,
  );
  const ski = keyIdentifier(publicKey.rawData);
  const maxPathLength = getInt(body, 'max_path_length', -1);
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
      true,
    ),
    new x509.BasicConstraintsExtension(
      true,
      maxPathLength >= 0 ? maxPathLength : undefined,
      true,
    ),
    new x509.SubjectKeyIdentifierExtension(ski, false),
    new x509.AuthorityKeyIdentifierExtension(ski, false),
  ];
  const sans = generalNames(rootAltNames(body, request.commonName));
  if (sans.length > 0)
    extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
  const subject = buildSubject({
    commonName: request.commonName,
    serialNumber: getString(body, 'serial_number', ''),
    country: getList(body, 'country'),
    province: getList(body, 'province'),
    locality: getList(body, 'locality'),
    streetAddress: getList(body, 'street_address'),
    postalCode: getList(body, 'postal_code'),
    organization: getList(body, 'organization'),
    organizationalUnit: getList(body, 'ou'),
  });
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: newSerialHex(),
      subject,
      issuer: subject,
      notBefore: new Date(
        ctx.now - getDuration(body, 'not_before_duration', 30) * 1000,
      ),
      notAfter,
      publicKey,
      signingKey: generated.keys.privateKey,
      signingAlgorithm: generated.signingAlgorithm,
      extensions,
    },
    cryptoImpl,
  );
}

function rootResponse(
  issuer: Issuer,
  format: ResponseFormat,
  key: ExportedKey | undefined,
  warnings: string[],
): VaultResult {
  const data: Record<string, unknown> = {
    expiration: Math.floor(issuer.cert.notAfter.getTime() / 1000),
    serial_number: formatSerial(issuer.cert.serialNumber),
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    key_id: issuer.keyId,
    key_name: issuer.keyName,
  };
  if (format === 'der') {
    data.certificate = base64Of(issuer.cert);
    data.issuing_ca = data.certificate;
    if (key) data.private_key = key.der.toString('base64');
  } else {
    data.certificate =
      format === 'pem_bundle' && key ? `${key.pem}\n${issuer.pem}` : issuer.pem;
    data.issuing_ca = issuer.pem;
    if (key) data.private_key = key.pem;
  }
  if (key) data.private_key_type = key.type;
  return { data, warnings };
}

export async function generateRoot(
  pki: PkiMount,
  ctx: RequestContext,
): Promise<VaultResult> {
  const body = ctx.body;
  const request = rootRequest(pki, body, ctx.params.exported);
  const mount = pki.mount();
  const { notAfter, warnings } = certificateNotAfter(
    { ttl: 0, max_ttl: 0, not_after: '' },
    body,
    mount,
    undefined,
    ctx.now,
  );
  const generated = await generateKeyPair(request.keyType, request.keyBits);
  const cert = await rootCertificate(ctx, request, generated, notAfter);
  const issuer: Issuer = {
    id: newUuid(),
    name: request.issuerName,
    keyId: newUuid(),
    keyName: getString(body, 'key_name', ''),
    cert,
    pem: pemOf(cert),
    chain: [cert],
    privateKey: generated.keys.privateKey,
    keyObject: generated.keyObject,
    signingAlgorithm: generated.signingAlgorithm,
  };
  pki.state.addIssuer(issuer);
  pki.logger.info(
    `pki ${mount.path}: generated root issuer ${issuer.id} (${request.keyType} ${request.keyBits})`,
  );
  const key = request.exported
    ? exportPrivateKey(
        generated.keyObject,
        request.keyType,
        getString(body, 'private_key_format', 'der'),
      )
    : undefined;
  return rootResponse(issuer, request.format, key, warnings);
}
