import * as x509 from '@peculiar/x509';
import { createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import { badRequest } from '../errors';
import { cryptoImpl } from './certs';
import type { PkiRole } from './state';

/** Key types and sizes as Vault checks them, and key generation, import and export. */

/** Signature hash Vault picks for an EC issuer key by curve. */
const EC_HASH: Record<string, string> = {
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512',
};

export type SigningAlgorithm = Algorithm | EcdsaParams;

/** Vault's `ValidateDefaultOrValueKeyType`: normalizes `key_bits` and rejects unsupported sizes. */
export function normalizeKeyBits(keyType: string, keyBits: number): number {
  switch (keyType) {
    case 'rsa':
      if (keyBits === 0) return 2048;
      if (![2048, 3072, 4096, 8192].includes(keyBits)) {
        throw badRequest(`unsupported bit length for RSA key: ${keyBits}`);
      }
      return keyBits;
    case 'ec':
      if (keyBits === 0) return 256;
      if (![224, 256, 384, 521].includes(keyBits)) {
        throw badRequest(`unsupported bit length for EC key: ${keyBits}`);
      }
      return keyBits;
    case 'ed25519':
    case 'any':
      return 0;
    default:
      throw badRequest(`unknown key type ${keyType}`);
  }
}

export function signatureBitsFor(
  keyType: string,
  keyBits: number,
  requested: number,
): number {
  if (requested !== 0) return requested;
  if (keyType === 'ec' && keyBits >= 521) return 512;
  if (keyType === 'ec' && keyBits >= 384) return 384;
  return 256;
}

export interface CsrKeyInfo {
  type: 'rsa' | 'ec' | 'ed25519';
  bits: number;
}

export function csrKeyInfo(publicKey: x509.PublicKey): CsrKeyInfo {
  let algorithm: Algorithm & { namedCurve?: string; modulusLength?: number };
  try {
    algorithm = publicKey.algorithm as typeof algorithm;
  } catch {
    algorithm = { name: 'unknown' };
  }
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
    case 'RSA-OAEP':
      return { type: 'rsa', bits: algorithm.modulusLength ?? 0 };
    case 'ECDSA':
    case 'ECDH': {
      const bits = { 'P-256': 256, 'P-384': 384, 'P-521': 521, 'K-256': 256 }[
        algorithm.namedCurve ?? ''
      ];
      if (!bits)
        throw badRequest(
          `Unknown key type in CSR: ${algorithm.namedCurve ?? 'ECDSA'}`,
        );
      return { type: 'ec', bits };
    }
    case 'Ed25519':
    case 'EdDSA':
      return { type: 'ed25519', bits: 0 };
    default:
      throw badRequest(
        'Refusing to sign CSR with empty PublicKey. This usually means the SubjectPublicKeyInfo field has an OID not recognized by Go, such as 1.2.840.113549.1.1.10 for rsaPSS.',
      );
  }
}

/** Vault's `SignCert` key checks: the CSR key must fit the role's `key_type` and `key_bits`. */
export function checkKey(role: PkiRole, info: CsrKeyInfo): void {
  let minBits = role.key_bits;
  if (role.key_type === 'any') {
    minBits = { rsa: 2048, ec: 224, ed25519: 0 }[info.type];
    if (info.type === 'rsa' && info.bits < 2048) {
      throw badRequest('RSA keys < 2048 bits are unsafe and not supported');
    }
  } else if (role.key_type !== info.type) {
    throw badRequest(`role requires keys of type ${role.key_type}`);
  }
  if ((info.type === 'rsa' || info.type === 'ec') && info.bits < minBits) {
    throw badRequest(
      `role requires a minimum of a ${minBits}-bit key, but CSR's key is ${info.bits} bits`,
    );
  }
  if (info.type === 'rsa' && info.bits < 2048) {
    throw badRequest(
      `Vault requires a minimum of a 2048-bit key, but CSR's key is ${info.bits} bits`,
    );
  }
}

/** The SubjectPublicKeyInfo of a private key's public half, for matching keys to certificates. */
export function publicSpkiOf(key: KeyObject): Buffer | undefined {
  try {
    return createPublicKey(key).export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

export interface GeneratedKeyPair {
  keys: CryptoKeyPair;
  keyObject: KeyObject;
  signingAlgorithm: SigningAlgorithm;
}

/** Generates an issuer or leaf key pair with WebCrypto and reports the matching signature algorithm. */
export async function generateKeyPair(
  keyType: string,
  keyBits: number,
): Promise<GeneratedKeyPair> {
  let algorithm: RsaHashedKeyGenParams | EcKeyGenParams;
  let signingAlgorithm: SigningAlgorithm;
  if (keyType === 'rsa') {
    const rsa = {
      name: 'RSASSA-PKCS1-v1_5',
      hash: 'SHA-256',
      publicExponent: new Uint8Array([1, 0, 1]),
      modulusLength: keyBits,
    };
    algorithm = rsa;
    signingAlgorithm = rsa;
  } else if (keyType === 'ec') {
    const curve = { 256: 'P-256', 384: 'P-384', 521: 'P-521' }[
      keyBits as 256 | 384 | 521
    ];
    if (!curve)
      throw badRequest(`unsupported bit length for EC key: ${keyBits}`);
    algorithm = { name: 'ECDSA', namedCurve: curve };
    signingAlgorithm = { name: 'ECDSA', hash: EC_HASH[curve] } as EcdsaParams;
  } else {
    throw badRequest(`unknown key type: ${keyType}`);
  }
  const keys = (await cryptoImpl.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return {
    keys,
    keyObject: KeyObject.from(
      keys.privateKey as unknown as webcrypto.CryptoKey,
    ),
    signingAlgorithm,
  };
}

/** Imports a PEM private key (PKCS#1, SEC1 or PKCS#8) as a WebCrypto signing key. */
export async function importSigningKey(keyObject: KeyObject): Promise<{
  privateKey: CryptoKey;
  signingAlgorithm: SigningAlgorithm;
}> {
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  let algorithm: RsaHashedImportParams | EcKeyImportParams;
  let signingAlgorithm: SigningAlgorithm;
  if (keyObject.asymmetricKeyType === 'rsa') {
    const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    algorithm = rsa;
    signingAlgorithm = rsa;
  } else if (keyObject.asymmetricKeyType === 'ec') {
    const curve = {
      prime256v1: 'P-256',
      secp384r1: 'P-384',
      secp521r1: 'P-521',
    }[(keyObject.asymmetricKeyDetails?.namedCurve ?? '') as 'prime256v1'];
    if (!curve)
      throw badRequest(
        `unsupported EC curve ${keyObject.asymmetricKeyDetails?.namedCurve}`,
      );
    algorithm = { name: 'ECDSA', namedCurve: curve };
    signingAlgorithm = { name: 'ECDSA', hash: EC_HASH[curve] } as EcdsaParams;
  } else {
    throw badRequest(
      `unsupported private key type ${keyObject.asymmetricKeyType}`,
    );
  }
  const privateKey = await cryptoImpl.subtle.importKey(
    'pkcs8',
    der,
    algorithm,
    true,
    ['sign'],
  );
  return { privateKey, signingAlgorithm };
}

export interface ExportedKey {
  pem: string;
  der: Buffer;
  type: string;
}

/** Vault returns PKCS#1 (`rsa`) or SEC1 (`ec`) keys by default, PKCS#8 on request. */
export function exportPrivateKey(
  keyObject: KeyObject,
  keyType: string,
  privateKeyFormat: string,
): ExportedKey {
  let type: 'pkcs8' | 'pkcs1' | 'sec1' = keyType === 'rsa' ? 'pkcs1' : 'sec1';
  if (privateKeyFormat === 'pkcs8') type = 'pkcs8';
  return {
    pem: (keyObject.export({ type, format: 'pem' }) as string).trim(),
    der: keyObject.export({ type, format: 'der' }) as Buffer,
    type: keyType,
  };
}
