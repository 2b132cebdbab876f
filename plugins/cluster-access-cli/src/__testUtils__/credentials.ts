import { createClientCertificateAuthority } from '@cluster-access/sandbox';
import { X509Certificate } from 'node:crypto';
import type { CachedCredential } from '../cache';

/**
 * A cached credential with a real certificate and key from a throwaway CA,
 * valid for `ttlSeconds` from now (from `notBefore` plus a minute, if given).
 */
export async function makeCachedCredential(
  options: {
    backendUrl?: string;
    ttlSeconds?: number;
    username?: string;
    groups?: string[];
    /** Defaults to a minute ago; in the past, for expired certificates. */
    notBefore?: Date;
  } = {},
): Promise<CachedCredential> {
  const {
    backendUrl = 'https://backstage.example.com',
    ttlSeconds = 3600,
    username = 'alice',
    groups = ['payments'],
  } = options;
  const ca = await createClientCertificateAuthority();
  const { certificatePem, privateKeyPem } = await ca.issueClientCertificate({
    commonName: username,
    organizations: groups,
    ttlSeconds,
    notBefore: options.notBefore,
  });
  const certificate = new X509Certificate(certificatePem);
  return {
    version: 1,
    backendUrl,
    username,
    groups,
    serialNumber: certificate.serialNumber,
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(certificate.validTo)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    keyType: 'ECDSA-P256',
    clientCertificateData: certificatePem,
    clientKeyData: privateKeyPem,
  };
}

/** Collects what a command writes, for assertions. */
export function output() {
  let text = '';
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}
