import type { CacheReadResult, CachedCredential } from './cache';
import { formatDuration } from './duration';
import { CliError } from './errors';

/** The exec-credential versions this plugin answers; the output is the same. */
const supportedApiVersions = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
];

/**
 * What kubectl tells the plugin in `KUBERNETES_EXEC_INFO`.
 *
 * @public
 */
export interface ExecInfo {
  apiVersion: string;
  interactive: boolean;
}

/**
 * Reads `KUBERNETES_EXEC_INFO`, which kubectl sets for exec plugins. Without
 * it (the plugin run by hand) the answer is v1, non-interactive. An
 * apiVersion this plugin does not speak is an error rather than an answer
 * kubectl would misread.
 *
 * @public
 */
export function readExecInfo(env: NodeJS.ProcessEnv): ExecInfo {
  const raw = env.KUBERNETES_EXEC_INFO;
  if (!raw) {
    return { apiVersion: supportedApiVersions[0], interactive: false };
  }
  let info: { apiVersion?: unknown; kind?: unknown; spec?: unknown };
  try {
    info = JSON.parse(raw);
  } catch {
    throw new CliError('KUBERNETES_EXEC_INFO is not JSON');
  }
  if (info?.kind !== 'ExecCredential') {
    throw new CliError(
      `KUBERNETES_EXEC_INFO is not an ExecCredential (kind ${JSON.stringify(
        info?.kind,
      )})`,
    );
  }
  const apiVersion = String(info.apiVersion);
  if (!supportedApiVersions.includes(apiVersion)) {
    throw new CliError(
      `kubectl asked for ExecCredential ${apiVersion}; this plugin speaks ${supportedApiVersions.join(
        ' and ',
      )}. Set users[].user.exec.apiVersion to client.authentication.k8s.io/v1 in the kubeconfig.`,
    );
  }
  const spec = info.spec as { interactive?: unknown } | undefined;
  return { apiVersion, interactive: spec?.interactive === true };
}

/**
 * Why the cached credential cannot be handed out, or undefined when it can:
 * it must exist, be sound, come from the same backend, and be valid for at
 * least `minRemainingSeconds` more.
 *
 * @public
 */
export function renewalReason(options: {
  cache: CacheReadResult;
  backendUrl: string;
  minRemainingSeconds: number;
  now: number;
}): string | undefined {
  const { cache, backendUrl, minRemainingSeconds, now } = options;
  if (cache.state === 'missing') {
    return 'no certificate is cached';
  }
  if (cache.state === 'invalid') {
    return `the cache cannot be used: ${cache.reason}`;
  }
  const { credential } = cache;
  if (credential.backendUrl !== backendUrl) {
    return `the cached certificate is from ${credential.backendUrl}`;
  }
  const remaining = Math.floor((Date.parse(credential.expiresAt) - now) / 1000);
  if (remaining <= 0) {
    return 'the cached certificate has expired';
  }
  if (remaining < minRemainingSeconds) {
    return `the cached certificate expires in ${formatDuration(
      remaining,
    )}, less than ${formatDuration(minRemainingSeconds)}`;
  }
  return undefined;
}

/**
 * The ExecCredential JSON for kubectl: the client certificate with its
 * intermediates, the private key, and the certificate's NotAfter as the
 * expiration, after which kubectl runs the plugin again.
 *
 * @public
 */
export function formatExecCredential(options: {
  credential: CachedCredential;
  apiVersion: string;
}): string {
  const { credential, apiVersion } = options;
  return `${JSON.stringify({
    apiVersion,
    kind: 'ExecCredential',
    status: {
      clientCertificateData: credential.clientCertificateData,
      clientKeyData: credential.clientKeyData,
      expirationTimestamp: credential.expiresAt,
    },
  })}\n`;
}
