// tsyringe, which @peculiar/x509 uses internally, needs the Reflect metadata
// polyfill before the library is first evaluated.
import 'reflect-metadata';
import { PemConverter, X509Certificate } from '@peculiar/x509';
import { stringify } from 'yaml';
import { ClusterInfo } from './types';

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

/**
 * Names of the kubeconfig entries for one cluster.
 *
 * @public
 */
export interface KubeconfigNames {
  cluster: string;
  context: string;
  user: string;
}

/**
 * The kubeconfig entry names {@link buildKubeconfig} uses for a cluster: the
 * cluster and context are named after the cluster, the user
 * `<username>@<cluster>`. One user per cluster (rather than one shared user)
 * keeps every context self-contained, so deleting or replacing one cluster's
 * entries never breaks another, and a plain `<username>` entry that the
 * user's existing kubeconfig may hold for other clusters is never overwritten
 * by a merge.
 *
 * @public
 */
export function kubeconfigNames(options: {
  username: string;
  cluster: string;
}): KubeconfigNames {
  const { username, cluster } = options;
  return { cluster, context: cluster, user: `${username}@${cluster}` };
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
 * The kubeconfig around a user entry: one cluster, context and user per
 * cluster (names from {@link kubeconfigNames}), keys in the order
 * `kubectl config view` prints them, no line folding and unindented
 * sequences, like kubectl. Shared by the embedded and the exec variants so
 * the two files differ only in their users.
 */
function assembleKubeconfig(options: {
  username: string;
  clusters: ClusterInfo[];
  currentCluster: string;
  user: Record<string, unknown>;
}): string {
  const { username, clusters, currentCluster, user } = options;
  const entries = clusters.map(cluster => ({
    cluster,
    names: kubeconfigNames({ username, cluster: cluster.name }),
  }));
  const config = {
    apiVersion: 'v1',
    clusters: entries.map(({ cluster, names }) => ({
      cluster: {
        ...(cluster.certificateAuthorityData
          ? { 'certificate-authority-data': cluster.certificateAuthorityData }
          : {}),
        server: cluster.server,
      },
      name: names.cluster,
    })),
    contexts: entries.map(({ names }) => ({
      context: { cluster: names.cluster, user: names.user },
      name: names.context,
    })),
    'current-context': kubeconfigNames({ username, cluster: currentCluster })
      .context,
    kind: 'Config',
    preferences: {},
    users: entries.map(({ names }) => ({ name: names.user, user })),
  };
  // Every user entry is the same object: write it out in full each time
  // rather than as a YAML alias, which kubectl reads but people do not expect.
  return stringify(config, {
    lineWidth: 0,
    indentSeq: false,
    aliasDuplicateObjects: false,
  });
}

/**
 * A safe file name for a user's kubeconfig: `<username>-kubeconfig.yaml`,
 * with anything but letters, digits, `.`, `_` and `-` replaced by `-`, so it
 * can appear unquoted in shell commands.
 *
 * @public
 */
export function kubeconfigFileName(options: { username: string }): string {
  const safe = options.username.replace(/[^A-Za-z0-9._-]/g, '-');
  return `${safe || 'cluster-access'}-kubeconfig.yaml`;
}

/** Escapes text for use inside double quotes in a POSIX shell. */
function inDoubleQuotes(value: string): string {
  return value.replace(/["$`\\]/g, c => `\\${c}`);
}

/**
 * Options of {@link kubeconfigMergeInstructions}.
 *
 * @public
 */
export interface KubeconfigMergeInstructionsOptions {
  /** The downloaded file's name, as {@link kubeconfigFileName} makes it. */
  fileName: string;
  /** The context the new file makes current. */
  context: string;
  /**
   * Where the browser saved the file, as shell text that goes inside double
   * quotes (so `$HOME` expands, `~` does not). Defaults to `$HOME/Downloads`.
   */
  directory?: string;
}

/**
 * Shell commands (bash or zsh) that try a downloaded kubeconfig and merge it
 * into `~/.kube/config`.
 *
 * The new file comes first in `KUBECONFIG`, because when kubectl merges
 * files the first one to define a name wins: listed second, a renewed
 * certificate would silently lose to the expired one from the previous
 * download. As a consequence its `current-context` wins too, which the
 * commands say. The merged file is written with mode 600 inside `~/.kube`
 * (never in a shared temporary directory), since it holds private keys, and
 * the previous file is kept as `~/.kube/config.bak`. Paths use `$HOME`
 * rather than `~`, which shells do not expand after the `:` in `KUBECONFIG`
 * everywhere.
 *
 * @public
 */
export function kubeconfigMergeInstructions(
  options: KubeconfigMergeInstructionsOptions,
): string {
  const { fileName, context, directory = '$HOME/Downloads' } = options;
  const path = `${directory.replace(/\/+$/, '')}/${inDoubleQuotes(fileName)}`;
  const kube = '$HOME/.kube';
  return [
    '# Try the new file on its own:',
    `kubectl --kubeconfig "${path}" auth whoami`,
    '',
    '# Merge it into ~/.kube/config, keeping a backup in ~/.kube/config.bak.',
    // A newline in the name would end the comment and start a command.
    `# Its entries replace older ones of the same name, and "${context.replace(
      /\s+/g,
      ' ',
    )}"`,
    '# becomes the current context:',
    `mkdir -p "${kube}"`,
    `cp "${kube}/config" "${kube}/config.bak" 2>/dev/null`,
    `(umask 077 && KUBECONFIG="${path}:${kube}/config" kubectl config view --flatten > "${kube}/config.new") && mv "${kube}/config.new" "${kube}/config"`,
    'kubectl auth whoami',
    '',
  ].join('\n');
}

/**
 * The `client.authentication.k8s.io` version of the exec-credential protocol
 * that {@link buildExecKubeconfig} asks for and {@link buildExecCredential}
 * answers in; every kubectl since 1.22 speaks it.
 *
 * @public
 */
export const EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1';

/**
 * Options of {@link buildExecKubeconfig}.
 *
 * @public
 */
export interface BuildExecKubeconfigOptions {
  /**
   * The certificate's common name. It only names the kubeconfig users (as
   * {@link kubeconfigNames} does for {@link buildKubeconfig}, so that merging
   * one file over the other replaces entries instead of adding near-copies);
   * the identity kubectl presents is whatever the plugin's certificate says.
   */
  username: string;
  /** Every cluster the certificates work on; at least one. */
  clusters: ClusterInfo[];
  /** Name of the cluster to make current; defaults to the first one. */
  currentCluster?: string;
  /** The credential plugin: a name looked up in `PATH`, or a path. */
  command: string;
  /** Arguments of the plugin. */
  args?: string[];
  /** Extra environment variables for the plugin; never put secrets here. */
  env?: Record<string, string>;
  /** What kubectl prints when it cannot find `command`. */
  installHint?: string;
  /**
   * Whether the plugin may use the terminal: `Never` (the default) for a
   * plugin that does not read stdin, so kubectl runs it the same way in
   * scripts and CI as in a terminal.
   */
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The cluster checks {@link buildKubeconfig} makes (kept there as they were),
 * for its exec variant; returns the name of the current cluster.
 */
function checkClusters(clusters: ClusterInfo[], currentCluster?: string) {
  if (clusters.length === 0) {
    throw new Error('A kubeconfig needs at least one cluster');
  }
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (!cluster.name) {
      throw new Error('Every cluster needs a name');
    }
    if (seen.has(cluster.name)) {
      throw new Error(`Cluster '${cluster.name}' is listed twice`);
    }
    seen.add(cluster.name);
  }
  const current = currentCluster ?? clusters[0].name;
  if (!seen.has(current)) {
    throw new Error(`Unknown current cluster '${current}'`);
  }
  return current;
}

/**
 * Builds a kubeconfig (`kind: Config`) whose users run an exec-credential
 * plugin (`users[].user.exec`) instead of embedding a certificate: kubectl
 * runs `command args...` whenever it needs a credential and uses the client
 * certificate and key the plugin prints, so the file itself holds no secret
 * and never goes stale. Clusters, contexts and user names are those of
 * {@link buildKubeconfig}; every user runs the same plugin.
 *
 * `provideClusterInfo` is off because one certificate serves every cluster,
 * and kubectl would otherwise put the cluster's details in the plugin's
 * environment for nothing. Deterministic, like {@link buildKubeconfig}.
 *
 * @public
 */
export function buildExecKubeconfig(
  options: BuildExecKubeconfigOptions,
): string {
  const {
    username,
    clusters,
    command,
    args = [],
    env = {},
    installHint,
    interactiveMode = 'Never',
  } = options;
  if (!username) {
    throw new Error('A username is required');
  }
  if (!command) {
    throw new Error('The credential plugin needs a command');
  }
  for (const name of Object.keys(env)) {
    if (!envNamePattern.test(name)) {
      throw new Error(`'${name}' is not a valid environment variable name`);
    }
  }
  const currentCluster = checkClusters(clusters, options.currentCluster);
  const envEntries = Object.entries(env).map(([name, value]) => ({
    name,
    value,
  }));

  return assembleKubeconfig({
    username,
    clusters,
    currentCluster,
    user: {
      exec: {
        apiVersion: EXEC_CREDENTIAL_API_VERSION,
        args,
        command,
        env: envEntries.length > 0 ? envEntries : null,
        ...(installHint ? { installHint } : {}),
        interactiveMode,
        provideClusterInfo: false,
      },
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
  apiVersion: typeof EXEC_CREDENTIAL_API_VERSION;
  kind: 'ExecCredential';
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
