/**
 * What the signer is asked to sign. The CSR has been validated against the
 * username and groups before it gets here.
 *
 * @public
 */
export interface SignCertificateRequest {
  csrPem: string;
  /** Already capped by config and {@link CertificateSigner.getMaxTtlSeconds}. */
  ttlSeconds: number;
  username: string;
  groups: string[];
  /** Key type of the CSR, for the key usages a client certificate needs. */
  keyType: 'ec' | 'rsa';
}

/**
 * A certificate as a signer returns it, before the backend's own checks.
 *
 * @public
 */
export interface SignedCertificate {
  certificatePem: string;
  /** Issuer first, up to the root. */
  caChainPems: string[];
  /** Lowercase hex pairs separated by colons, as Vault prints serials. */
  serialNumber: string;
  /** Warnings the signer reported (e.g. a TTL it capped). */
  warnings: string[];
}

/**
 * Signs client certificates. The Vault PKI signer is the first; a second one
 * (e.g. the Kubernetes CSR API) implements the same interface so that the
 * router does not change.
 *
 * @public
 */
export interface CertificateSigner {
  /** The signer's own TTL cap in seconds, if it has one. */
  getMaxTtlSeconds(): Promise<number | undefined>;
  /**
   * PEM certificates an issued certificate must chain to: the configured CA
   * or the one the signer publishes.
   */
  getTrustAnchors(): Promise<string[]>;
  sign(request: SignCertificateRequest): Promise<SignedCertificate>;
  /** Revokes a certificate the signer issued. */
  revoke(options: { serialNumber: string }): Promise<void>;
}
