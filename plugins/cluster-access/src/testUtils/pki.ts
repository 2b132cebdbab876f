import 'reflect-metadata';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  Pkcs10CertificateRequest,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';

const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * A throwaway CA for tests, standing in for Vault: it signs CSRs verbatim,
 * as the backend's `sign-verbatim` role does.
 */
export async function createTestCa() {
  const keys = (await crypto.subtle.generateKey(ec, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const certificate = await X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=Cluster Access Test CA',
      keys,
      signingAlgorithm: ec,
      extensions: [new BasicConstraintsExtension(true, undefined, true)],
    },
    crypto,
  );

  return {
    pem: certificate.toString('pem'),
    /** Signs a CSR's subject and key as they are; the CSR must verify. */
    async sign(csrPem: string, options: { notAfter: Date }): Promise<string> {
      const csr = new Pkcs10CertificateRequest(csrPem);
      if (!(await csr.verify(crypto))) {
        throw new Error('CSR self-signature does not verify');
      }
      const issued = await X509CertificateGenerator.create(
        {
          subject: csr.subjectName,
          issuer: certificate.subjectName,
          publicKey: csr.publicKey,
          signingKey: keys.privateKey,
          signingAlgorithm: ec,
          notBefore: new Date(Date.now() - 60_000),
          notAfter: options.notAfter,
          extensions: [
            new ExtendedKeyUsageExtension([ExtendedKeyUsage.clientAuth]),
          ],
        },
        crypto,
      );
      return issued.toString('pem');
    },
  };
}

/** The subject of a CSR as `[type, value]` pairs, one per RDN, in order. */
export function csrSubject(csrPem: string): Array<[string, string]> {
  return new Pkcs10CertificateRequest(csrPem).subjectName
    .toJSON()
    .flatMap(rdn =>
      Object.entries(rdn).flatMap(([type, values]) =>
        values.map(value => [type, value] as [string, string]),
      ),
    );
}

export { Pkcs10CertificateRequest, X509Certificate };
