import * as x509 from '@peculiar/x509';
import { goVerbatimSubject } from '../csr';
import type { MountEntry } from '../types';
import { LeafNames, leafNames, NameRequest } from './bundle';
import {
  buildSubject,
  cryptoImpl,
  extKeyUsageOids,
  generalNames,
  keyIdentifier,
  keyUsageFlags,
  newSerialHex,
  OID,
} from './certs';
import type { Issuer, PkiRole } from './state';
import { certificateNotAfter } from './validity';

/**
 * Leaf issuance shared by `sign`, `sign-verbatim` and `issue`: Vault's `generateCreationBundle`
 * (names, validity), then certutil's subject, extensions and signature.
 */

export interface IssueInput extends NameRequest {
  issuer: Issuer;
  publicKey: x509.PublicKey;
  now: number;
  mount: MountEntry;
}

export interface IssuedLeaf {
  cert: x509.X509Certificate;
  warnings: string[];
}

export async function issueLeaf(input: IssueInput): Promise<IssuedLeaf> {
  const names = leafNames(input);
  const { notAfter, warnings } = certificateNotAfter(
    input.role,
    input.body,
    input.mount,
    input.issuer,
    input.now,
  );
  const subject = leafSubject(input, names);
  const extensions = leafExtensions(input, names, subject, warnings);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: newSerialHex(),
      subject,
      issuer: input.issuer.cert.subjectName,
      notBefore: notBefore(input.role, input.now),
      notAfter,
      publicKey: input.publicKey,
      signingKey: input.issuer.privateKey!,
      signingAlgorithm: input.issuer.signingAlgorithm,
      extensions,
    },
    cryptoImpl,
  );
  return { cert, warnings };
}

function notBefore(role: PkiRole, now: number): Date {
  const backdate = role.not_before_duration > 0 ? role.not_before_duration : 30;
  return new Date(now - backdate * 1000);
}

/** sign-verbatim keeps the CSR's subject; everything else builds it from the role and the CN. */
function leafSubject(input: IssueInput, names: LeafNames): x509.Name {
  const { role, csr } = input;
  if (input.useCsrValues && csr) return goVerbatimSubject(csr);
  return buildSubject({
    commonName: names.commonName,
    serialNumber: names.serialNumber,
    country: role.country,
    province: role.province,
    locality: role.locality,
    streetAddress: role.street_address,
    postalCode: role.postal_code,
    organization: role.organization,
    organizationalUnit: role.ou,
  });
}

/** Vault's own extensions, in the order of Go's `buildCertExtensions`. */
function ownExtensions(
  input: IssueInput,
  names: LeafNames,
  subject: x509.Name,
): x509.Extension[] {
  const { role, issuer } = input;
  const extensions: x509.Extension[] = [];
  const usage = keyUsageFlags(role.key_usage);
  if (usage !== 0) extensions.push(new x509.KeyUsagesExtension(usage, true));
  const ekus = [
    ...extKeyUsageOids(role.ext_key_usage, {
      server: role.server_flag,
      client: role.client_flag,
      codeSigning: role.code_signing_flag,
      email: role.email_protection_flag,
    }),
    ...role.ext_key_usage_oids,
  ];
  if (ekus.length > 0)
    extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  if (role.basic_constraints_valid_for_non_ca)
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  extensions.push(
    new x509.SubjectKeyIdentifierExtension(
      keyIdentifier(input.publicKey.rawData),
      false,
    ),
    new x509.AuthorityKeyIdentifierExtension(
      keyIdentifier(issuer.cert.publicKey.rawData),
      false,
    ),
  );
  const sans = generalNames(names);
  if (sans.length > 0) {
    // RFC 5280: the SAN extension is critical when the subject is empty.
    const subjectEmpty =
      new x509.Name(subject.toArrayBuffer()).toJSON().length === 0;
    extensions.push(
      new x509.SubjectAlternativeNameExtension(sans, subjectEmpty),
    );
  }
  return extensions;
}

/** Vault's extensions merged with what the CSR requests, as sign and sign-verbatim differ. */
function leafExtensions(
  input: IssueInput,
  names: LeafNames,
  subject: x509.Name,
  warnings: string[],
): x509.Extension[] {
  const extensions = ownExtensions(input, names, subject);
  const { csr } = input;
  if (!csr) return extensions;
  const requested = csr.extensions;
  if (requested.some(ext => ext.type === OID.basicConstraints)) {
    warnings.push(
      'specified CSR contained a Basic Constraints extension that was ignored during issuance',
    );
  }
  if (!input.useCsrValues) return extensions;
  // certutil's signCertificate copies every requested extension but Basic Constraints into
  // Go's ExtraExtensions; buildExtensions then drops its own extension of the same OID and
  // appends the extra ones after its own.
  const extra = requested.filter(ext => ext.type !== OID.basicConstraints);
  return [
    ...extensions.filter(e => !extra.some(x => x.type === e.type)),
    ...extra,
  ];
}
