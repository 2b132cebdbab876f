import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * What the signer is asked to sign. The CSR has been validated against the
 * username and groups before it gets here.
 *
 * @public
 */
export interface SignCertificateRequest {
  /** PEM PKCS#10 CSR from the client, to be signed as it is: its subject and key become the certificate's. */
  csrPem: string;
  /** Already capped by config and {@link CertificateSigner.getMaxTtlSeconds}. */
  ttlSeconds: number;
  /** The common name (CN) the CSR carries and the certificate must carry. */
  username: string;
  /** The organisation values (O) the CSR carries and the certificate must carry, prefix applied. */
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
  /** PEM client certificate for the CSR's key. */
  certificatePem: string;
  /** Issuer first, up to the root. */
  caChainPems: string[];
  /** Lowercase hex pairs separated by colons, as Vault prints serials. */
  serialNumber: string;
  /** Warnings the signer reported (e.g. a TTL it capped). */
  warnings: string[];
}

/**
 * Signs client certificates. The Vault PKI signer is the default; another
 * (e.g. the Kubernetes CSR API) implements the same interface and is
 * registered with {@link clusterAccessCertificateSignerExtensionPoint}. The
 * backend checks what every signer returns (key, subject, usages, chain to
 * {@link CertificateSigner.getTrustAnchors}) and revokes what fails.
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
  /**
   * Signs the CSR as it is, for `ttlSeconds`, as a client certificate.
   * Failures are `@backstage/errors` types, as the Vault signer's are:
   * `InputError` when the signer refuses the request, `ServiceUnavailableError`
   * when it cannot be reached, `BadGatewayError` when it refuses the backend
   * or answers with something that cannot be used.
   */
  sign(request: SignCertificateRequest): Promise<SignedCertificate>;
  /** Revokes a certificate the signer issued. */
  revoke(options: { serialNumber: string }): Promise<void>;
}

/**
 * A user as the directory that holds groups for certificates (Vault's
 * identity store) knows them.
 *
 * @public
 */
export interface DirectoryUser {
  /** The directory's id of the user (Vault entity id). */
  id: string;
  /** Names of the groups the user belongs to there, unmapped. */
  groups: string[];
}

/**
 * A user's identity once {@link IdentityDirectory.ensureUser} made sure of it.
 *
 * @public
 */
export interface DirectoryIdentity extends DirectoryUser {
  /** True when this call created the identity. */
  created: boolean;
}

/**
 * Finds users and their groups, and creates them when a certificate is
 * about to be signed. Looking never writes: people who only look
 * (`GET /identity`) and requests that are refused leave no trace in the directory.
 *
 * @public
 */
export interface IdentityDirectory {
  /**
   * The user's identity, read-only; `undefined` when they have none yet.
   * Throws `ConflictError` when the identity found for the username belongs
   * to another Backstage user.
   */
  findUser(options: {
    username: string;
    userEntityRef: string;
  }): Promise<DirectoryUser | undefined>;
  /**
   * Makes sure the user has an identity, creating or linking it. `found` is
   * what {@link IdentityDirectory.findUser} answered moments before (`null`
   * for none); leave it out when it was not asked. Called only for a request
   * that passed every check.
   */
  ensureUser(options: {
    username: string;
    userEntityRef: string;
    found?: DirectoryUser | null;
  }): Promise<DirectoryIdentity>;
}

/**
 * Replaces the certificate signer of the Cluster Access backend (by default
 * Vault's PKI engine, when `clusterAccess.vault` is configured).
 *
 * @public
 */
export interface ClusterAccessCertificateSignerExtensionPoint {
  /**
   * Sets the signer. With a `directory`, certificates also carry the groups
   * it holds (`includeVaultGroups`); without one, only catalog groups.
   * Throws when called twice.
   */
  setSigner(
    signer: CertificateSigner,
    options?: { directory?: IdentityDirectory },
  ): void;
}

/**
 * Extension point for {@link ClusterAccessCertificateSignerExtensionPoint}.
 *
 * @public
 */
export const clusterAccessCertificateSignerExtensionPoint =
  createExtensionPoint<ClusterAccessCertificateSignerExtensionPoint>({
    id: 'cluster-access.certificate-signer',
  });
