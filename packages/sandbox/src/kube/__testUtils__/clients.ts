import { ApiException, KubeConfig } from '@kubernetes/client-node';
import https from 'node:https';
import type { KubePeer } from '../peer';

/** Credentials for a client-node KubeConfig. */
export type TestCredentials =
  | { token: string }
  | { certificatePem: string; privateKeyPem: string };

/** A client-node KubeConfig pointing at `peer` with the given credentials. */
export function kubeConfigFor(
  peer: KubePeer,
  credentials?: TestCredentials,
): KubeConfig {
  const kc = new KubeConfig();
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const user: Record<string, string> = { name: 'test' };
  if (credentials && 'token' in credentials) user.token = credentials.token;
  if (credentials && 'certificatePem' in credentials) {
    user.certData = b64(credentials.certificatePem);
    user.keyData = b64(credentials.privateKeyPem);
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: 'peer',
        server: peer.url,
        caData: b64(peer.caPem),
        skipTLSVerify: false,
      },
    ],
    users: [user],
    contexts: [{ name: 'peer', cluster: 'peer', user: 'test' }],
    currentContext: 'peer',
  });
  return kc;
}

/** The Kubernetes Status carried by a failed client-node call. */
export interface FailedCall {
  code: number;
  status: {
    reason?: string;
    message?: string;
    code?: number;
    details?: any;
    kind?: string;
  };
}

/** Awaits `p`, expecting it to fail with an ApiException, and returns code and Status body. */
export async function failure(p: Promise<unknown>): Promise<FailedCall> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      return { code: e.code, status: body };
    }
    throw e;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A raw HTTPS request to the peer (for wire-level assertions client-node hides). */
export async function rawRequest(
  peer: KubePeer,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    clientCertificate?: { certificatePem: string; privateKeyPem: string };
  },
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.path, peer.url);
    const req = https.request(
      url,
      {
        method: options.method ?? 'GET',
        ca: peer.caPem,
        headers: options.headers,
        cert: options.clientCertificate?.certificatePem,
        key: options.clientCertificate?.privateKeyPem,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON; keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
