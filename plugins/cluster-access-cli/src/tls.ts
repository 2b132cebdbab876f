import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from './context';
import { CliError } from './errors';

/**
 * The environment variable that gives `--certificate-authority` a default,
 * for every command and the kubectl plugin alike.
 *
 * @public
 */
export const CERTIFICATE_AUTHORITY_ENV = 'CLUSTER_ACCESS_CERTIFICATE_AUTHORITY';

/**
 * The `--certificate-authority` file as an absolute path (relative paths are
 * taken from the working directory), or its environment default, or
 * `undefined`.
 *
 * @public
 */
export function certificateAuthorityPath(
  option: string | undefined,
  context: Pick<CliContext, 'env' | 'cwd'>,
): string | undefined {
  const value = option ?? context.env[CERTIFICATE_AUTHORITY_ENV];
  return value ? resolve(context.cwd ?? process.cwd(), value) : undefined;
}

/** Reads a PEM bundle and checks that every certificate in it parses. */
async function readCertificateAuthority(path: string): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(
      `Cannot read the certificate authority file ${path} (${
        (e as NodeJS.ErrnoException).code ?? (e as Error).message
      })`,
    );
  }
  const blocks =
    text.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [];
  if (blocks.length === 0) {
    throw new CliError(
      `${path} holds no PEM certificate: give the CA that signed the Backstage backend's TLS certificate`,
    );
  }
  for (const block of blocks) {
    try {
      // eslint-disable-next-line no-new
      new X509Certificate(block);
    } catch {
      throw new CliError(`${path} holds a certificate that does not parse`);
    }
  }
  return blocks.join('\n');
}

/**
 * The fetch to call the backend with. With a certificate authority (the
 * option, or its environment variable), HTTPS connections to the backend
 * trust exactly the certificates in that file, as kubectl's and kubelogin's
 * `--certificate-authority` do; otherwise Node's default trust (which
 * `NODE_EXTRA_CA_CERTS` extends). undici is Node's own fetch, as a package:
 * the built-in fetch takes no CA, and undici's fetch with undici's Agent is
 * a matched pair. It is loaded only when a CA is given.
 *
 * @public
 */
export async function backendFetch(
  certificateAuthority: string | undefined,
  context: Pick<CliContext, 'env' | 'cwd' | 'fetch'>,
): Promise<typeof fetch | undefined> {
  const path = certificateAuthorityPath(certificateAuthority, context);
  if (!path) return context.fetch;
  const ca = await readCertificateAuthority(path);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');
  // No keep-alive: an idle connection would keep the process (which kubectl
  // waits for) alive for seconds after its two requests.
  const dispatcher = new undici.Agent({ connect: { ca }, pipelining: 0 });
  return ((input: string, init?: RequestInit) =>
    undici.fetch(input, {
      ...(init as Parameters<typeof undici.fetch>[1]),
      dispatcher,
    })) as unknown as typeof fetch;
}
