// tsyringe, which @peculiar/x509 uses internally, needs the Reflect metadata
// polyfill before the library is first evaluated.
import 'reflect-metadata';
import { PemConverter, X509Certificate } from '@peculiar/x509';
import { EXEC_CREDENTIAL_API_VERSION } from './kubeconfig';
import { assembleKubeconfig, checkClusters } from './kubeconfigAssembly';
import { ClusterInfo } from './types';

/*
 * The kubeconfig functions that read certificates and keys, apart from the
 * rest so that a browser page can load the X.509 code only when the user
 * generates a certificate (the plain kubeconfig helpers stay light).
 */

/**
 * Options of {@link buildKubeconfig}.
 *
 * @public
 */
export interface BuildKubeconfigOptions {
  /** The certificate's common name; names the kubeconfig users. */
  username: string;
  /** PEM client certificate, as `POST /certificates` returned it. */
  certificatePem: string;
  /**
   * PEM certificates from the issuer up to the root. Intermediates are sent
   * along with the client certificate; self-issued (root) certificates are
   * left out, since the API server has to trust those already.
   */
  caChain?: string[];
  /** PEM private key of the certificate (PKCS#8, or PKCS#1/SEC1). */
  privateKeyPem: string;
  /** Every cluster the certificate works on; at least one. */
  clusters: ClusterInfo[];
  /** Name of the cluster to make current; defaults to the first one. */
  currentCluster?: string;
}

const privateKeyTypes = ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'];

function pemBlocks(pem: string, what: string) {
  try {
    return PemConverter.decodeWithHeaders(pem);
  } catch (e) {
    throw new Error(`The ${what} is not valid PEM: ${(e as Error).message}`);
  }
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.every((v, i) => v === y[i]);
}

function parseCertificate(raw: ArrayBuffer, what: string): X509Certificate {
  try {
    return new X509Certificate(raw);
  } catch (e) {
    throw new Error(
      `The ${what} is not an X.509 certificate: ${(e as Error).message}`,
    );
  }
}

/**
 * The client certificate followed by the intermediates it needs, as
 * canonical PEM (64-character lines, `\n`), so that the output does not
 * depend on how the input happened to be wrapped.
 */
function clientCertificateChain(
  certificatePem: string,
  caChain: string[],
): string {
  const leafBlocks = pemBlocks(certificatePem, 'client certificate');
  if (leafBlocks.length !== 1 || leafBlocks[0].type !== 'CERTIFICATE') {
    throw new Error(
      'The client certificate must be exactly one PEM CERTIFICATE',
    );
  }
  const leaf = leafBlocks[0].rawData;
  parseCertificate(leaf, 'client certificate');

  const chain: ArrayBuffer[] = [leaf];
  caChain.forEach((entry, index) => {
    // Vault may return a bundle in one entry; take every block.
    for (const block of pemBlocks(entry, `CA chain entry ${index + 1}`)) {
      if (block.type !== 'CERTIFICATE') {
        throw new Error(
          `CA chain entry ${index + 1} holds a ${
            block.type
          }, not a CERTIFICATE`,
        );
      }
      const cert = parseCertificate(
        block.rawData,
        `CA chain entry ${index + 1}`,
      );
      const selfIssued = sameBytes(
        cert.subjectName.toArrayBuffer(),
        cert.issuerName.toArrayBuffer(),
      );
      if (!selfIssued && !chain.some(c => sameBytes(c, block.rawData))) {
        chain.push(block.rawData);
      }
    }
  });
  return chain
    .map(raw => `${PemConverter.encode(raw, 'CERTIFICATE')}\n`)
    .join('');
}

function canonicalPrivateKey(privateKeyPem: string): string {
  const blocks = pemBlocks(privateKeyPem, 'private key');
  if (blocks.length !== 1 || !privateKeyTypes.includes(blocks[0].type)) {
    throw new Error(
      `The private key must be exactly one unencrypted PEM block (${privateKeyTypes.join(
        ', ',
      )})`,
    );
  }
  return `${PemConverter.encode(blocks[0].rawData, blocks[0].type)}\n`;
}

/** Base64 of the UTF-8 bytes of a string, in browsers and Node alike. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/**
 * Builds a kubeconfig (`kind: Config`) for a client certificate: one cluster,
 * one context and one user per cluster (named by {@link kubeconfigNames}),
 * with `current-context` set. Every user entry carries the same certificate
 * (with its intermediates) and private key as embedded data, so the file is
 * self-contained.
 *
 * The output is deterministic: the same options give the same bytes, so the
 * browser and the CLI produce identical files. Clusters keep the order they
 * are given in; keys are ordered as `kubectl config view` prints them.
 *
 * @public
 */
export function buildKubeconfig(options: BuildKubeconfigOptions): string {
  const { username, clusters, caChain = [] } = options;
  if (!username) {
    throw new Error('A username is required');
  }
  const currentCluster = checkClusters(clusters, options.currentCluster);

  const certificateData = base64(
    clientCertificateChain(options.certificatePem, caChain),
  );
  const keyData = base64(canonicalPrivateKey(options.privateKeyPem));

  return assembleKubeconfig({
    username,
    clusters,
    currentCluster,
    user: {
      'client-certificate-data': certificateData,
      'client-key-data': keyData,
    },
  });
}

/**
 * What an exec-credential plugin prints for kubectl: a client certificate
 * and its key.
 *
 * @public
 */
export interface ExecCredential {
  /** {@link EXEC_CREDENTIAL_API_VERSION}, the version the exec kubeconfig tells kubectl to expect. */
  apiVersion: typeof EXEC_CREDENTIAL_API_VERSION;
  /** Always `ExecCredential`. */
  kind: 'ExecCredential';
  /** The certificate and key kubectl presents to the API server, and until when it reuses them. */
  status: {
    /** PEM client certificate followed by its intermediates. */
    clientCertificateData: string;
    /** PEM private key of the certificate. */
    clientKeyData: string;
    /** RFC 3339 time (whole seconds, UTC) of the certificate's NotAfter. */
    expirationTimestamp: string;
  };
}

/**
 * Options of {@link buildExecCredential}.
 *
 * @public
 */
export interface BuildExecCredentialOptions {
  /** PEM client certificate, as `POST /certificates` returned it. */
  certificatePem: string;
  /** PEM certificates from the issuer up to the root; roots are left out. */
  caChain?: string[];
  /** PEM private key of the certificate. */
  privateKeyPem: string;
}

/**
 * The ExecCredential an exec-credential plugin prints for a client
 * certificate. The certificate data is the same bytes {@link buildKubeconfig}
 * embeds (certificate plus intermediates, canonical PEM), and the expiration
 * is read from the certificate itself, so kubectl asks again exactly when
 * the certificate stops working.
 *
 * @public
 */
export function buildExecCredential(
  options: BuildExecCredentialOptions,
): ExecCredential {
  const clientCertificateData = clientCertificateChain(
    options.certificatePem,
    options.caChain ?? [],
  );
  const leaf = parseCertificate(
    pemBlocks(options.certificatePem, 'client certificate')[0].rawData,
    'client certificate',
  );
  return {
    apiVersion: EXEC_CREDENTIAL_API_VERSION,
    kind: 'ExecCredential',
    status: {
      clientCertificateData,
      clientKeyData: canonicalPrivateKey(options.privateKeyPem),
      // Go's RFC 3339 parser takes fractions, but NotAfter has none anyway.
      expirationTimestamp: leaf.notAfter
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}
