import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { InputError } from '@backstage/errors';

/** OIDs of the CSR attributes and extensions the checks name. */
const OID = {
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyIdentifier: '2.5.29.14',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

const ATTRIBUTE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.2': 'unstructuredName',
};

const MIN_RSA_BITS = 2048;
// Bigger keys buy nothing for a client certificate and cost Vault (and us)
// time to verify; they are a cheap way to load the signer.
const MAX_RSA_BITS = 8192;

/**
 * What the checks learnt about a valid CSR.
 *
 * @public
 */
export interface ValidatedCsr {
  /** The CSR, re-encoded as PEM. */
  pem: string;
  keyType: 'ec' | 'rsa';
  /** e.g. `EC P-256`, `RSA 3072`. */
  keyDescription: string;
  /** DER SubjectPublicKeyInfo, to match the issued certificate against. */
  publicKeyDer: ArrayBuffer;
}

function parseCsr(text: string): x509.Pkcs10CertificateRequest {
  const blocks = [
    ...text.matchAll(
      /-----BEGIN (NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (NEW )?CERTIFICATE REQUEST-----/g,
    ),
  ];
  if (blocks.length !== 1) {
    throw new InputError(
      blocks.length === 0
        ? 'csr is not a PEM certificate request (expected one -----BEGIN CERTIFICATE REQUEST----- block)'
        : 'csr must contain exactly one certificate request',
    );
  }
  const base64 = blocks[0][2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new InputError('csr is not valid PEM: the body is not base64');
  }
  try {
    return new x509.Pkcs10CertificateRequest(Buffer.from(base64, 'base64'));
  } catch {
    throw new InputError('csr is not a valid PKCS#10 certificate request');
  }
}

function describeKey(
  csr: x509.Pkcs10CertificateRequest,
): { type: 'ec' | 'rsa'; description: string } | string {
  let algorithm: Record<string, unknown>;
  try {
    algorithm = csr.publicKey.algorithm as unknown as Record<string, unknown>;
  } catch {
    return 'the CSR public key cannot be read';
  }
  const name = String(algorithm.name ?? 'unknown');
  if (name === 'ECDSA' || name === 'ECDH') {
    const curve = String(algorithm.namedCurve ?? 'unknown curve');
    if (curve === 'P-256' || curve === 'P-384') {
      return { type: 'ec', description: `EC ${curve}` };
    }
    return `key must be EC P-256 or P-384, or RSA of at least ${MIN_RSA_BITS} bits; got EC ${curve}`;
  }
  if (name.startsWith('RSA')) {
    const bits = Number(algorithm.modulusLength ?? 0);
    if (bits < MIN_RSA_BITS) {
      return `RSA key of ${bits} bits is too weak; at least ${MIN_RSA_BITS} bits are required`;
    }
    if (bits > MAX_RSA_BITS) {
      return `RSA key of ${bits} bits is larger than the ${MAX_RSA_BITS} bits allowed`;
    }
    return { type: 'rsa', description: `RSA ${bits}` };
  }
  return `key must be EC P-256 or P-384, or RSA of at least ${MIN_RSA_BITS} bits; got ${name}`;
}

function subjectProblems(
  csr: x509.Pkcs10CertificateRequest,
  username: string,
  groups: string[],
): string[] {
  const problems: string[] = [];
  const cns: string[] = [];
  const os: string[] = [];
  const others = new Set<string>();
  let rdns: x509.JsonName;
  try {
    rdns = csr.subjectName.toJSON();
  } catch {
    return ['the CSR subject cannot be read'];
  }
  for (const rdn of rdns) {
    for (const [type, values] of Object.entries(rdn)) {
      if (type === 'CN') cns.push(...values);
      else if (type === 'O') os.push(...values);
      else others.add(type);
    }
  }
  if (cns.length !== 1) {
    problems.push(
      `the subject must have exactly one CN (the username '${username}'), found ${cns.length}`,
    );
  } else if (cns[0] !== username) {
    problems.push(
      `the subject CN '${cns[0]}' is not your username '${username}'`,
    );
  }
  const wanted = new Set(groups);
  const seen = new Set<string>();
  for (const o of os) {
    if (seen.has(o)) {
      problems.push(`the subject lists O '${o}' more than once`);
    } else if (!wanted.has(o)) {
      problems.push(`the subject O '${o}' is not one of your groups`);
    }
    seen.add(o);
  }
  const missing = groups.filter(g => !seen.has(g));
  if (missing.length) {
    problems.push(
      `the subject lacks O for your group${
        missing.length > 1 ? 's' : ''
      } ${missing.map(g => `'${g}'`).join(', ')}`,
    );
  }
  if (others.size) {
    problems.push(
      `the subject may only contain CN and O; found ${[...others].join(', ')}`,
    );
  }
  return problems;
}

function extensionProblems(csr: x509.Pkcs10CertificateRequest): string[] {
  const problems: string[] = [];
  for (const attribute of csr.attributes) {
    if (attribute.type !== OID.extensionRequest) {
      const name = ATTRIBUTE_NAMES[attribute.type];
      problems.push(
        `the CSR attribute ${attribute.type}${
          name ? ` (${name})` : ''
        } is not allowed`,
      );
    }
  }
  let extensions: x509.Extension[];
  try {
    extensions = csr.extensions;
  } catch {
    return [...problems, 'the CSR extension request cannot be read'];
  }
  for (const ext of extensions) {
    switch (ext.type) {
      case OID.subjectAltName:
        problems.push('the CSR must not request subject alternative names');
        break;
      case OID.basicConstraints:
        if ((ext as x509.BasicConstraintsExtension).ca) {
          problems.push('the CSR must not request a CA certificate');
        }
        break;
      case OID.keyUsage: {
        const usages = (ext as x509.KeyUsagesExtension).usages;
        if (
          usages &
          (x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)
        ) {
          problems.push(
            'the CSR must not request certificate or CRL signing key usage',
          );
        }
        break;
      }
      case OID.extKeyUsage: {
        const usages = (ext as x509.ExtendedKeyUsageExtension).usages.map(
          String,
        );
        const extra = usages.filter(u => u !== OID.clientAuth);
        if (extra.length) {
          problems.push(
            `the CSR may only request the clientAuth extended key usage; found ${extra.join(
              ', ',
            )}`,
          );
        }
        break;
      }
      case OID.subjectKeyIdentifier:
        break;
      default:
        problems.push(
          `the CSR requests extension ${ext.type}, which a client certificate does not need`,
        );
    }
  }
  return problems;
}

/**
 * Checks a CSR before anything reaches the signer: PEM PKCS#10 with a valid
 * self-signature; subject exactly CN=username and one O per group (in any
 * order), nothing else; no attributes but an extension request, and in it
 * nothing beyond what a client certificate needs (no SANs, no CA); key EC
 * P-256/P-384 or RSA 2048–8192. Throws `InputError` naming every problem.
 *
 * @public
 */
export async function validateCsr(options: {
  csrPem: string;
  username: string;
  groups: string[];
}): Promise<ValidatedCsr> {
  const csr = parseCsr(options.csrPem);
  const problems: string[] = [];

  const key = describeKey(csr);
  if (typeof key === 'string') problems.push(key);

  const hash = (csr.signatureAlgorithm as { hash?: { name?: string } }).hash
    ?.name;
  if (hash && /^(SHA-1|MD5|MD2)$/i.test(hash)) {
    problems.push(`the CSR is signed with ${hash}, which is too weak`);
  } else if (typeof key !== 'string') {
    let valid = false;
    try {
      valid = await csr.verify();
    } catch {
      valid = false;
    }
    if (!valid) problems.push('the CSR signature does not verify');
  }

  problems.push(...subjectProblems(csr, options.username, options.groups));
  problems.push(...extensionProblems(csr));

  if (problems.length || typeof key === 'string') {
    throw new InputError(`Invalid csr: ${problems.join('; ')}`);
  }
  return {
    pem: csr.toString('pem'),
    keyType: key.type,
    keyDescription: key.description,
    publicKeyDer: csr.publicKey.rawData,
  };
}
