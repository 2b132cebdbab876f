import { createPublicKey, KeyObject, verify } from 'node:crypto';

// The signature algorithms CSRs and Vault's certificates use, verified by
// OpenSSL in one synchronous call. WebCrypto (through @peculiar/x509) costs
// five times as much per signature: a key import, a DER to IEEE P1363
// conversion of ECDSA signatures and a job on the thread pool.
const NATIVE: Record<string, { hash: string; keyType: 'ec' | 'rsa' }> = {
  '1.2.840.10045.4.3.2': { hash: 'sha256', keyType: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', keyType: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', keyType: 'ec' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', keyType: 'rsa' },
};

// DER NULL: what RSA PKCS #1 v1.5 identifiers carry as parameters (RFC 4055).
const DER_NULL = Buffer.from([0x05, 0x00]);

/**
 * Verifies a signature with OpenSSL when the algorithm is one of the common
 * ECDSA or RSA PKCS #1 v1.5 ones, its parameters are as the RFCs require
 * (absent for ECDSA, NULL or absent for RSA) and the key is of the matching
 * type. Answers `undefined` for anything else, which the caller verifies the
 * slow way, so that nothing verifies here that would not verify there.
 */
export function verifySignatureNatively(options: {
  algorithm: { algorithm: string; parameters?: ArrayBuffer | null };
  /** DER SubjectPublicKeyInfo, or a key made from one. */
  key: ArrayBuffer | Uint8Array | KeyObject;
  data: ArrayBuffer | Uint8Array;
  signature: ArrayBuffer | Uint8Array;
}): boolean | undefined {
  const { algorithm } = options;
  const known = NATIVE[algorithm.algorithm];
  if (!known) return undefined;
  // The schema reads a DER NULL as null.
  const params = algorithm.parameters as ArrayBuffer | null | undefined;
  const rsaNull =
    params === null || (params && Buffer.from(params).equals(DER_NULL));
  if (params !== undefined && !(known.keyType === 'rsa' && rsaNull)) {
    return undefined;
  }
  let key: KeyObject;
  try {
    key =
      options.key instanceof KeyObject
        ? options.key
        : createPublicKey({
            key: Buffer.from(bytes(options.key)),
            format: 'der',
            type: 'spki',
          });
  } catch {
    return false;
  }
  if (key.asymmetricKeyType !== known.keyType) return false;
  try {
    return verify(
      known.hash,
      bytes(options.data),
      key,
      bytes(options.signature),
    );
  } catch {
    return false;
  }
}

function bytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** A public key for {@link verifySignatureNatively}; undefined if unreadable. */
export function nativePublicKey(spki: ArrayBuffer): KeyObject | undefined {
  try {
    return createPublicKey({
      key: Buffer.from(spki),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}
