import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import {
  arrayBufferOf,
  DerError,
  fieldsOf,
  readDer,
  readDerTree,
  readInteger,
  readOid,
  TAG,
} from './der';
import { readSpki } from './x509Der';

/** The key rules of a CSR: EC P-256/P-384 or RSA 2048–8192. */

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const MIN_RSA_BITS = 2048;
// Bigger keys buy nothing for a client certificate and cost Vault (and us)
// time to verify; they are a cheap way to load the signer.
const MAX_RSA_BITS = 8192;

const KNOWN_CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
};

type KeyFacts = { type: 'ec' | 'rsa'; description: string };

/** The accepted keys in their usual encodings, read in place. */
function describeKeyQuickly(spkiDer: Buffer): KeyFacts | undefined {
  try {
    const { algorithm, key } = readSpki(readDer(spkiDer));
    const { parameters } = algorithm;
    if (algorithm.algorithm === '1.2.840.10045.2.1' && parameters) {
      const curve =
        KNOWN_CURVES[readOid(readDer(Buffer.from(parameters), TAG.oid))];
      return curve ? { type: 'ec', description: `EC ${curve}` } : undefined;
    }
    if (algorithm.algorithm === RSA_ENCRYPTION && parameters === null) {
      const [modulus, exponent] = fieldsOf(readDer(key), TAG.sequence, 2);
      // The library reads both INTEGERs, and refuses the key if it cannot.
      readInteger(exponent);
      const n = readInteger(modulus);
      // As @peculiar/x509 counts: whole bytes, without the sign byte.
      const bits = (n[0] === 0 ? n.length - 1 : n.length) * 8;
      if (n[0] & 0x80 || bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
        return undefined;
      }
      return { type: 'rsa', description: `RSA ${bits}` };
    }
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
  }
  return undefined;
}

/**
 * What is not DER in an RSA key the library read, or undefined: Go reads
 * the key in the BIT STRING as DER only (parser.go `parsePublicKey`).
 */
function rsaKeyNotDer(spkiDer: Buffer): string | undefined {
  const { subjectPublicKey } = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  try {
    readDerTree(Buffer.from(subjectPublicKey));
    return undefined;
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return error.message;
  }
}

/** The key's type and description, or the problem with it. */
export function describeKey(spkiDer: Buffer): KeyFacts | string {
  const quick = describeKeyQuickly(spkiDer);
  if (quick) return quick;
  let algorithm: Record<string, unknown>;
  try {
    algorithm = new x509.PublicKey(arrayBufferOf(spkiDer))
      .algorithm as unknown as Record<string, unknown>;
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
    const notDer = rsaKeyNotDer(spkiDer);
    if (notDer) {
      return `the CSR's RSA public key is not DER-encoded: it has ${notDer}`;
    }
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
