import {
  CertificateIdentity,
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

let credentials: Promise<typeof import('./credentials')> | undefined;

/**
 * The X.509 code of a Generate, loaded once (see credentials.ts). The page
 * calls this when the pointer or focus reaches Generate, so the chunk is
 * usually there by the click; a failed load is tried again next time.
 */
export function loadCredentials(): Promise<typeof import('./credentials')> {
  credentials ??= import('./credentials').catch(error => {
    credentials = undefined;
    throw error;
  });
  return credentials;
}

/**
 * Runs one step as a User Timing measure (`cluster-access:<name>`), so the
 * browser's performance panel and the Generate benchmark see where a
 * Generate's time goes.
 */
async function timed<T>(name: string, step: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await step();
  } finally {
    // jsdom and older browsers may lack User Timing; timing is only a hint.
    performance.measure?.(`cluster-access:${name}`, {
      start,
      end: performance.now(),
    });
  }
}

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
  const { buildKubeconfig, generateClientKeyAndCsr } = await timed(
    'load-crypto',
    loadCredentials,
  );
  const { csrPem, privateKeyPem } = await timed('key-and-csr', () =>
    generateClientKeyAndCsr({
      username: identity.username,
      groups: identity.groups,
    }),
  );
  onStep('sign');
  const certificate = await timed('sign', () =>
    api.issueCertificate({ csr: csrPem, ttlSeconds }),
  );
  if (certificate.clusters.length === 0) return { certificate };
  try {
    const kubeconfig = await timed('kubeconfig', () =>
      buildKubeconfig({
        username: certificate.username,
        certificatePem: certificate.certificate,
        caChain: certificate.caChain,
        privateKeyPem,
        clusters: certificate.clusters,
      }),
    );
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
