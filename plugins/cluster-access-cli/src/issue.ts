import type {
  CertificateIdentity,
  ClientKeyAlgorithm,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { webcrypto } from 'node:crypto';
import type { CachedCredential } from './cache';
import { ClusterAccessClient } from './client';
import { loadCommon } from './common';
import { CliError } from './errors';

/**
 * Options of {@link issueCredential}.
 *
 * @public
 */
export interface IssueCredentialOptions {
  backendUrl: string;
  token: string;
  ttlSeconds?: number;
  keyType?: ClientKeyAlgorithm;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Called with the caller's identity before the key is made and anything
   * is signed; throwing stops there (login uses it to refuse to overwrite a
   * file before a certificate is issued for nothing).
   */
  onIdentity?: (identity: CertificateIdentity) => void | Promise<void>;
}

/**
 * A new certificate on a new key.
 *
 * @public
 */
export interface IssuedCredential {
  credential: CachedCredential;
  issued: IssuedCertificate;
  /** PEM PKCS#8; stays on this machine. */
  privateKeyPem: string;
}

/**
 * Gets a new certificate: asks the backend who the token's user is, makes a
 * new key pair and a CSR for exactly that subject here (the key is never
 * sent), and has the CSR signed. The result is what the cache keeps.
 *
 * @public
 */
export async function issueCredential(
  options: IssueCredentialOptions,
): Promise<IssuedCredential> {
  const { backendUrl, token, ttlSeconds, keyType = 'ECDSA-P256' } = options;
  const now = options.now ?? Date.now;
  const { buildExecCredential, generateClientKeyAndCsr } = loadCommon();
  const client = new ClusterAccessClient({
    backendUrl,
    token,
    fetch: options.fetch,
  });
  const identity = await client.getIdentity();
  await options.onIdentity?.(identity);
  const { csrPem, privateKeyPem } = await generateClientKeyAndCsr({
    username: identity.username,
    groups: identity.groups,
    algorithm: keyType,
    crypto: webcrypto as Crypto,
  });
  const issued = await client.issueCertificate({ csr: csrPem, ttlSeconds });

  let execCredential;
  try {
    execCredential = buildExecCredential({
      certificatePem: issued.certificate,
      caChain: issued.caChain,
      privateKeyPem,
    });
  } catch (e) {
    throw new CliError(
      `Backstage returned a certificate that cannot be used: ${
        (e as Error).message
      }`,
    );
  }
  const { status } = execCredential;
  return {
    issued,
    privateKeyPem,
    credential: {
      version: 1,
      backendUrl,
      username: issued.username,
      groups: issued.groups,
      serialNumber: issued.serialNumber,
      issuedAt: new Date(now()).toISOString(),
      expiresAt: status.expirationTimestamp,
      keyType,
      ...(ttlSeconds ? { ttlSeconds } : {}),
      clientCertificateData: status.clientCertificateData,
      clientKeyData: status.clientKeyData,
    },
  };
}
