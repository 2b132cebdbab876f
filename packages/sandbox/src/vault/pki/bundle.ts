import * as x509 from '@peculiar/x509';
import { isIP } from 'node:net';
import { badRequest } from '../errors';
import { Body, getBool, getList, getString } from '../fields';
import type { GoCsr } from '../csr';
import { dedupe, OID, SubjectAltNames } from './certs';
import { globMatch } from '../glob';
import { asHostname, validateCommonName, validateNames } from './names';
import type { PkiRole } from './state';

/**
 * The names of a leaf certificate, as Vault's `generateCreationBundle` gathers them from the CSR
 * and the request and checks them against the role.
 */

/** What a certificate request asks for, before the role has a say. */
export interface NameRequest {
  role: PkiRole;
  body: Body;
  csr?: GoCsr;
  /** sign-verbatim: copy the CSR's subject and requested extensions. */
  useCsrValues: boolean;
}

export interface LeafNames extends SubjectAltNames {
  commonName: string;
  /** The subject's serialNumber attribute (not the certificate's serial). */
  serialNumber: string;
}

function commonNameOf({ role, body, csr }: NameRequest): string {
  const fromCsr = csr && role.use_csr_common_name ? csr.commonName : '';
  if (fromCsr) return fromCsr;
  const cn = getString(body, 'common_name', '');
  if (!cn && role.require_cn) {
    throw badRequest(
      'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
    );
  }
  return cn;
}

/** The SANs of the CSR: Go reads them from the merged requested extensions; a later one wins. */
function csrAltNames(csr: GoCsr, sans: SubjectAltNames): void {
  const requested = csr.extensions
    .filter(ext => ext.type === OID.subjectAltName)
    .pop();
  if (!requested) return;
  const san =
    requested instanceof x509.SubjectAlternativeNameExtension
      ? requested
      : new x509.SubjectAlternativeNameExtension(requested.rawData);
  for (const item of san.names.items) {
    if (item.type === 'dns') sans.dnsNames.push(item.value);
    else if (item.type === 'email') sans.emails.push(item.value);
    else if (item.type === 'ip') sans.ips.push(item.value);
    else if (item.type === 'url') sans.uris.push(item.value);
  }
}

/** A name with an `@` is an email address; anything else counts only when it is a hostname. */
function addNameOrEmail(sans: SubjectAltNames, name: string): void {
  if (name.includes('@')) {
    sans.emails.push(name);
    return;
  }
  const hostname = asHostname(name);
  if (hostname) sans.dnsNames.push(hostname);
}

/** Gathers the CN and SANs; unless sign-verbatim, refuses what the role does not allow. */
export function leafNames(request: NameRequest): LeafNames {
  const { role, body, csr, useCsrValues } = request;
  const commonName = commonNameOf(request);
  const serialNumber =
    getString(body, 'serial_number', '') || (csr ? csr.serialNumber : '');
  const sans: SubjectAltNames = { dnsNames: [], emails: [], ips: [], uris: [] };
  // sign-verbatim copies the CSR's SAN extension as it is (see leaf.ts) and
  // generates none, not even from the CN.
  if (csr && role.use_csr_sans && !useCsrValues) csrAltNames(csr, sans);
  if (
    commonName &&
    !useCsrValues &&
    !getBool(body, 'exclude_cn_from_sans', false)
  ) {
    addNameOrEmail(sans, commonName);
  }
  if (!csr || !role.use_csr_sans) {
    for (const alt of getList(body, 'alt_names')) addNameOrEmail(sans, alt);
    sans.ips = getList(body, 'ip_sans');
    sans.uris = getList(body, 'uri_sans');
  }
  const names = { commonName, serialNumber, ...sans };
  if (!useCsrValues) checkNames(role, names, Boolean(csr && role.use_csr_sans));
  return {
    ...names,
    dnsNames: dedupe(names.dnsNames),
    emails: dedupe(names.emails),
  };
}

/** The role checks of `generateCreationBundle`, in its order and with its messages. */
function checkNames(role: PkiRole, names: LeafNames, viaCsr: boolean): void {
  const { commonName: cn, dnsNames, emails } = names;
  if (cn && !validateCommonName(role, cn))
    throw badRequest(`common name ${cn} not allowed by this role`);
  const badDns = validateNames(role, dnsNames);
  if (badDns !== undefined)
    throw badRequest(
      `subject alternate name ${badDns} not allowed by this role`,
    );
  const badEmail = validateNames(role, emails);
  if (badEmail !== undefined)
    throw badRequest(`email address ${badEmail} not allowed by this role`);
  checkIps(role, names.ips, viaCsr);
  checkUris(role, names.uris, viaCsr);
  checkSerialNumber(role, names.serialNumber);
}

function checkIps(role: PkiRole, ips: string[], viaCsr: boolean): void {
  if (ips.length > 0 && !role.allow_ip_sans) {
    throw badRequest(
      viaCsr
        ? 'IP Subject Alternative Names are not allowed in this role, but was provided some via CSR'
        : `IP Subject Alternative Names are not allowed in this role, but was provided [${ips.join(
            ' ',
          )}]`,
    );
  }
  for (const ip of ips) {
    if (!isIP(ip))
      throw badRequest(
        `the value ${JSON.stringify(ip)} is not a valid IP address`,
      );
  }
}

function checkUris(role: PkiRole, uris: string[], viaCsr: boolean): void {
  if (uris.length === 0) return;
  const via = viaCsr ? 'via CSR' : 'via the API';
  if (role.allowed_uri_sans.length === 0) {
    throw badRequest(
      `URI Subject Alternative Names are not allowed in this role, but were provided ${via}`,
    );
  }
  if (
    !uris.every(uri =>
      role.allowed_uri_sans.some(pattern => globMatch(pattern, uri)),
    )
  ) {
    throw badRequest(
      `URI Subject Alternative Names were provided ${via} which are not valid for this role`,
    );
  }
}

function checkSerialNumber(role: PkiRole, serialNumber: string): void {
  if (
    serialNumber &&
    !role.allowed_serial_numbers.some(
      p =>
        p === serialNumber || (p.includes('*') && globMatch(p, serialNumber)),
    )
  ) {
    throw badRequest(`serial_number ${serialNumber} not allowed by this role`);
  }
}
