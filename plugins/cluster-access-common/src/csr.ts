// tsyringe, which @peculiar/x509 uses internally, needs the Reflect metadata
// polyfill before the library is first evaluated.
import 'reflect-metadata';
import {
  JsonAttributeObject,
  Name,
  PemConverter,
  Pkcs10CertificateRequestGenerator,
} from '@peculiar/x509';

/**
 * Key algorithms a client certificate may use. The backend accepts EC P-256,
 * EC P-384 and RSA keys of at least 2048 bits.
 *
 * @public
 */
export type ClientKeyAlgorithm = 'ECDSA-P256' | 'ECDSA-P384' | 'RSA-2048';

/**
 * Options of {@link generateClientKeyAndCsr}.
 *
 * @public
 */
export interface GenerateClientKeyAndCsrOptions {
  /** The certificate's common name, as `GET /identity` returned it. */
  username: string;
  /** The certificate's organisations, one O attribute each, in this order. */
  groups: string[];
  /** Defaults to `ECDSA-P256`: small, fast to generate, accepted everywhere. */
  algorithm?: ClientKeyAlgorithm;
  /** WebCrypto implementation; defaults to `globalThis.crypto`. */
  crypto?: Crypto;
}

/**
 * A fresh key pair and the CSR that asks for a certificate on it.
 *
 * @public
 */
export interface ClientKeyAndCsr {
  /** PEM PKCS#10 certificate signing request, to send to the backend. */
  csrPem: string;
  /** PEM PKCS#8 private key. Keep it on the client; never send it anywhere. */
  privateKeyPem: string;
  /** The algorithm of the key pair, as asked for or the default. */
  algorithm: ClientKeyAlgorithm;
}

interface AlgorithmParams {
  keyGen: EcKeyGenParams | RsaHashedKeyGenParams;
  signing: Algorithm | EcdsaParams;
}

const algorithms: Record<ClientKeyAlgorithm, AlgorithmParams> = {
  'ECDSA-P256': {
    keyGen: { name: 'ECDSA', namedCurve: 'P-256' },
    signing: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  },
  'ECDSA-P384': {
    keyGen: { name: 'ECDSA', namedCurve: 'P-384' },
    signing: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
  },
  'RSA-2048': {
    keyGen: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    signing: { name: 'RSASSA-PKCS1-v1_5' },
  },
};

/**
 * One attribute value, encoded explicitly. The library's plain-string form
 * unescapes backslashes, strips quotes and treats a leading `#` as hex, so a
 * group such as `#ops` or `a\,b` would not survive it; the object form is
 * stored exactly as given. PrintableString where it fits and UTF8String
 * otherwise, as Go and OpenSSL do (RFC 5280 allows both).
 */
function attributeValue(value: string): JsonAttributeObject {
  return Name.isPrintableString(value)
    ? { printableString: value }
    : { utf8String: value };
}

/**
 * The subject `CN=<username>, O=<group>...`, one single-valued RDN per
 * attribute, built from structured values so that no value (a comma, a plus,
 * an equals sign) can add attributes of its own.
 */
function subjectName(username: string, groups: string[]): Name {
  return new Name([
    { CN: [attributeValue(username)] },
    ...groups.map(group => ({ O: [attributeValue(group)] })),
  ]);
}

/**
 * Makes a key pair with WebCrypto and a PKCS#10 CSR whose subject is exactly
 * `CN=<username>` plus one `O=<group>` per group, signed by the new key. The
 * CSR requests no extensions: the signer sets key usage and the client-auth
 * extended key usage from its role. Works in browsers and in Node 22.
 *
 * @public
 */
export async function generateClientKeyAndCsr(
  options: GenerateClientKeyAndCsrOptions,
): Promise<ClientKeyAndCsr> {
  const { username, groups, algorithm = 'ECDSA-P256' } = options;
  const params = algorithms[algorithm];
  if (!params) {
    throw new Error(`Unsupported key algorithm '${algorithm}'`);
  }
  if (!username) {
    throw new Error('A username is required for the certificate subject');
  }
  const emptyGroup = groups.findIndex(g => !g);
  if (emptyGroup !== -1) {
    throw new Error(`Group ${emptyGroup + 1} is empty`);
  }

  const crypto = options.crypto ?? globalThis.crypto;
  if (!crypto?.subtle) {
    // Browsers only expose crypto.subtle in secure contexts.
    throw new Error(
      'WebCrypto is not available here; a secure context (https or localhost) is needed to generate a key',
    );
  }

  // Extractable, because the private key goes into the user's kubeconfig.
  const keys = (await crypto.subtle.generateKey(params.keyGen, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;

  const csr = await Pkcs10CertificateRequestGenerator.create(
    {
      name: subjectName(username, groups),
      keys,
      signingAlgorithm: params.signing,
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);

  // PEM files conventionally end with a newline; the library omits it.
  return {
    csrPem: `${csr.toString('pem')}\n`,
    privateKeyPem: `${PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    algorithm,
  };
}
