import { stringify } from 'yaml';

/** Credentials for a kubeconfig user: a client certificate or a bearer token. */
export type KubeconfigCredentials =
  | { clientCertificatePem: string; clientKeyPem: string }
  | { token: string };

/**
 * Builds a kubeconfig (YAML) for one cluster, user and context, e.g. for the real kubectl:
 * `kubectl --kubeconfig <file> get ns`.
 */
export function buildKubeconfig(options: {
  server: string;
  caPem: string;
  credentials: KubeconfigCredentials;
  namespace?: string;
  /** Name used for the cluster, user and context entries (default `sandbox`). */
  name?: string;
}): string {
  const name = options.name ?? 'sandbox';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const user =
    'token' in options.credentials
      ? { token: options.credentials.token }
      : {
          'client-certificate-data': b64(
            options.credentials.clientCertificatePem,
          ),
          'client-key-data': b64(options.credentials.clientKeyPem),
        };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.server,
          'certificate-authority-data': b64(options.caPem),
        },
      },
    ],
    users: [{ name, user }],
    contexts: [
      {
        name,
        context: {
          cluster: name,
          user: name,
          ...(options.namespace ? { namespace: options.namespace } : {}),
        },
      },
    ],
    'current-context': name,
    preferences: {},
  });
}
