import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  CertificateSigner,
  clusterAccessCertificateSignerExtensionPoint,
  SignCertificateRequest,
  SignedCertificate,
} from '@cluster-access/plugin-cluster-access-node';
import { TestCa } from './pki';

/**
 * A signer that is not Vault: a CA held in memory, as a Kubernetes-CSR-API
 * signer or another CA would be. It signs what the backend asks, and
 * remembers what it signed and revoked.
 */
export class InMemoryCaSigner implements CertificateSigner {
  readonly signed: SignCertificateRequest[] = [];
  readonly revoked: string[] = [];

  constructor(private readonly ca: TestCa) {}

  async getMaxTtlSeconds() {
    return 3600;
  }

  async getTrustAnchors() {
    return [this.ca.pem];
  }

  async sign(request: SignCertificateRequest): Promise<SignedCertificate> {
    this.signed.push(request);
    const { pem, serialNumber } = await this.ca.sign({
      csrPem: request.csrPem,
      notAfter: new Date(Date.now() + request.ttlSeconds * 1000),
    });
    return {
      certificatePem: pem,
      caChainPems: [this.ca.pem],
      serialNumber,
      warnings: [],
    };
  }

  async revoke(options: { serialNumber: string }) {
    this.revoked.push(options.serialNumber);
  }
}

/**
 * A backend module of its own that registers a signer with Cluster Access,
 * the way an installation adds one: it depends on `-node` only.
 */
export function createTestSignerModule(
  signer: CertificateSigner,
  moduleId = 'test-signer',
) {
  return createBackendModule({
    pluginId: 'cluster-access',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { signers: clusterAccessCertificateSignerExtensionPoint },
        async init({ signers }) {
          signers.setSigner(signer);
        },
      });
    },
  });
}
