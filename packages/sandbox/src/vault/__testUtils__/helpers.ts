import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateKeyPairSync, KeyObject, sign, webcrypto } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import vault from 'node-vault';

const cryptoImpl = webcrypto as unknown as Crypto;

export type VaultClient = ReturnType<typeof vault>;

/** A node-vault client pointed at the peer, built exactly as an application would build it. */
export function vaultClient(url: string, token?: string): VaultClient {
  return vault({ apiVersion: 'v1', endpoint: url, token });
}

/** Runs a node-vault call expected to fail and returns Vault's status and error list. */
export async function vaultFailure(
  promise: Promise<unknown>,
): Promise<{ status: number; errors: string[] }> {
  try {
    await promise;
  } catch (e) {
    const response = (
      e as { response?: { statusCode: number; body: { errors?: string[] } } }
    ).response;
    if (!response) throw e;
    return { status: response.statusCode, errors: response.body?.errors ?? [] };
  }
  throw new Error('expected the Vault call to fail');
}

export type CsrKeyType = 'ec' | 'rsa' | 'rsa1024' | 'ed25519';

const ALGORITHMS: Record<
  CsrKeyType,
  RsaHashedKeyGenParams | EcKeyGenParams | Algorithm
> = {
  ec: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as EcKeyGenParams,
  rsa: {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  },
  rsa1024: {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 1024,
  },
  ed25519: { name: 'Ed25519' },
};

/** Creates a PEM CSR for the given subject (e.g. `[{ CN: ['alice'] }, { O: ['a', 'b'] }]`). */
export async function makeCsr(
  subject: x509.JsonName | string,
  keyType: CsrKeyType = 'ec',
  extensions: x509.Extension[] = [],
): Promise<{
  pem: string;
  csr: x509.Pkcs10CertificateRequest;
  keys: CryptoKeyPair;
}> {
  const algorithm = ALGORITHMS[keyType];
  const keys = (await cryptoImpl.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const signingAlgorithm =
    keyType === 'ec' ? { name: 'ECDSA', hash: 'SHA-256' } : algorithm;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: subject, keys, signingAlgorithm, extensions },
    cryptoImpl,
  );
  return { pem: csr.toString('pem'), csr, keys };
}

/** Creates a PEM CSR (EC P-256) with the given attributes, e.g. several extension requests. */
export async function makeCsrWithAttributes(
  subject: x509.JsonName,
  attributes: x509.Attribute[],
): Promise<string> {
  const keys = (await cryptoImpl.subtle.generateKey(ALGORITHMS.ec, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: subject,
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      attributes,
    },
    cryptoImpl,
  );
  return csr.toString('pem');
}

/** A structurally valid CSR whose self-signature no longer verifies (one signature bit flipped). */
export async function makeTamperedCsr(): Promise<string> {
  const { csr } = await makeCsr([{ CN: ['mallory'] }]);
  const der = new Uint8Array(csr.rawData.slice(0));
  der[der.length - 3] ^= 0x01;
  return new x509.Pkcs10CertificateRequest(der).toString('pem');
}

export function parseCert(pem: string): x509.X509Certificate {
  return new x509.X509Certificate(pem);
}

export async function verifiesAgainst(
  cert: x509.X509Certificate,
  caPem: string,
): Promise<boolean> {
  const ca = new x509.X509Certificate(caPem);
  return (
    cert.issuer === ca.subject &&
    (await cert.verify(
      { publicKey: ca.publicKey, signatureOnly: true },
      cryptoImpl,
    ))
  );
}

export function extendedKeyUsages(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.ExtendedKeyUsageExtension);
  return ext ? ext.usages.map(String) : [];
}

export function keyUsage(cert: x509.X509Certificate): number | undefined {
  return cert.getExtension(x509.KeyUsagesExtension)?.usages;
}

export { x509 };

/** A signing key pair standing in for a Kubernetes API server's service-account issuer key. */
export interface ServiceAccountSigner {
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function serviceAccountSigner(
  alg: 'RS256' | 'ES256' = 'RS256',
): ServiceAccountSigner {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    alg,
    privateKey: pair.privateKey,
    publicKeyPem: pair.publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string,
  };
}

/** Signs a JWT the way the API server signs service-account tokens. */
export function signJwt(
  signer: ServiceAccountSigner,
  claims: Record<string, unknown>,
): string {
  const header = Buffer.from(
    JSON.stringify({ alg: signer.alg, kid: 'test', typ: 'JWT' }),
  ).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  const signature =
    signer.alg === 'RS256'
      ? sign('sha256', Buffer.from(input), signer.privateKey)
      : sign('sha256', Buffer.from(input), {
          key: signer.privateKey,
          dsaEncoding: 'ieee-p1363',
        });
  return `${input}.${signature.toString('base64url')}`;
}

/** Claims of a projected service-account token (`kubernetes.io` claim), valid for an hour. */
export function projectedClaims(
  namespace: string,
  name: string,
  extra: Record<string, unknown> = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: ['https://kubernetes.default.svc'],
    exp: now + 3600,
    iat: now,
    nbf: now,
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': {
      namespace,
      serviceaccount: { name, uid: `uid-${namespace}-${name}` },
      pod: { name: `${name}-pod`, uid: 'pod-uid' },
    },
    ...extra,
  };
}

/**
 * A stand-in for the API server that issued {@link signJwt}'s tokens, answering only
 * TokenReview: it vouches for any well-formed service-account token (projected or legacy
 * claims), as the real one does for the tokens it signed. For tests of Vault's own JWT checks;
 * TokenReview against the kube peer is tested in auth.tokenReview.test.ts.
 */
export async function startTokenReviewStub(): Promise<{
  url: string;
  reviews(): number;
  close(): Promise<void>;
}> {
  let reviews = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      reviews++;
      const token = JSON.parse(Buffer.concat(chunks).toString()).spec.token;
      const claims = JSON.parse(
        Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString(),
      );
      const projected = claims['kubernetes.io'];
      const namespace =
        projected?.namespace ??
        claims['kubernetes.io/serviceaccount/namespace'];
      const name =
        projected?.serviceaccount?.name ??
        claims['kubernetes.io/serviceaccount/service-account.name'];
      const uid =
        projected?.serviceaccount?.uid ??
        claims['kubernetes.io/serviceaccount/service-account.uid'];
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'TokenReview',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: { creationTimestamp: null },
          spec: { token },
          status: {
            authenticated: true,
            user: {
              username: `system:serviceaccount:${namespace}:${name}`,
              uid,
            },
          },
        }),
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reviews: () => reviews,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
