import {
  buildKubeconfig,
  CertificateIdentity,
  generateClientKeyAndCsr,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessApi } from '../../api';

/** What one Generate produced; lives only in the page's memory. */
export interface Issued {
  certificate: IssuedCertificate;
  /** Undefined when the portal has no clusters to put in a kubeconfig. */
  kubeconfig?: string;
}

/** The steps of a Generate that take long enough to be shown. */
export type IssueStep = 'key' | 'sign';

/**
 * Makes a key pair in the browser, has the CSR signed and builds the
 * kubeconfig. Only the CSR leaves the browser; the private key ends up in
 * the kubeconfig, in memory.
 */
export async function issueCertificate(options: {
  api: ClusterAccessApi;
  identity: CertificateIdentity;
  ttlSeconds: number;
  onStep: (step: IssueStep) => void;
}): Promise<Issued> {
  const { api, identity, ttlSeconds, onStep } = options;
  onStep('key');
  const { csrPem, privateKeyPem } = await generateClientKeyAndCsr({
    username: identity.username,
    groups: identity.groups,
  });
  onStep('sign');
  const certificate = await api.issueCertificate({ csr: csrPem, ttlSeconds });
  if (certificate.clusters.length === 0) return { certificate };
  try {
    const kubeconfig = buildKubeconfig({
      username: certificate.username,
      certificatePem: certificate.certificate,
      caChain: certificate.caChain,
      privateKeyPem,
      clusters: certificate.clusters,
    });
    return { certificate, kubeconfig };
  } catch (e) {
    // Issuance itself worked; say so, so the user can revoke or retry.
    throw new Error(
      `Certificate ${
        certificate.serialNumber
      } was issued, but no kubeconfig could be made from it: ${
        (e as Error).message
      }`,
    );
  }
}
