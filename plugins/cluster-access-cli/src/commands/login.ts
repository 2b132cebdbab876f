import type { ClientKeyAlgorithm } from '@cluster-access/plugin-cluster-access-common';
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_MIN_REMAINING_SECONDS, LoginOptions } from '../args';
import {
  credentialCachePath,
  withCacheLock,
  writeCredentialCache,
} from '../cache';
import { loadCommon } from '../common';
import type { CliContext } from '../context';
import { formatDuration } from '../duration';
import { CliError } from '../errors';
import { issueCredential } from '../issue';
import { findExecutable, getBackstageToken, tokenSearchFrom } from '../token';

/**
 * The command the kubeconfig runs for credentials: a name in `PATH` when
 * there is one (`cluster-access`, else its kubectl-plugin link
 * `kubectl-cluster_access`), so the file keeps working after an upgrade or
 * a move; else the absolute path of the launcher that is running now.
 *
 * @public
 */
export async function resolveExecCommand(options: {
  env: NodeJS.ProcessEnv;
  launcher?: string;
}): Promise<string> {
  for (const name of ['cluster-access', 'kubectl-cluster_access']) {
    if (await findExecutable({ name, env: options.env })) return name;
  }
  if (options.launcher) return resolve(options.launcher);
  throw new CliError(
    'cluster-access is not in PATH, so kubectl could not run it: add its directory to PATH, or use --embed',
  );
}

/** The exec plugin's arguments: the backend, and only the options given. */
function credentialArgs(options: LoginOptions): string[] {
  const args = ['credential', '--backend-url', options.backendUrl];
  if (options.ttlSeconds !== undefined) {
    args.push('--ttl', formatDuration(options.ttlSeconds));
  }
  if (options.keyType) {
    args.push('--key-type', options.keyType.toLowerCase());
  }
  if (options.minRemainingSeconds !== undefined) {
    args.push('--min-remaining', formatDuration(options.minRemainingSeconds));
  }
  if (options.tokenCommand) {
    args.push('--token-command', options.tokenCommand);
  }
  return args;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Private (0600) and atomic: an embedded kubeconfig holds the key. */
async function writePrivateFile(path: string, text: string) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const file = await open(temporary, 'wx', 0o600);
  try {
    try {
      await file.writeFile(text);
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}

/** Quotes a path for a POSIX shell, only when it needs it. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(value)
    ? value
    : `'${value.replace(/'/g, `'\\''`)}'`;
}

const keyTypeNames: Record<ClientKeyAlgorithm, string> = {
  'ECDSA-P256': 'ECDSA P-256',
  'ECDSA-P384': 'ECDSA P-384',
  'RSA-2048': 'RSA 2048',
};

/**
 * `cluster-access login`: gets a certificate for a key made here and writes
 * a kubeconfig, either one that runs `cluster-access credential` (with the
 * certificate and key in the cache) or one with both embedded.
 *
 * @public
 */
export async function runLogin(
  options: LoginOptions,
  context: CliContext,
): Promise<void> {
  const { backendUrl, mode } = options;
  const { env, stdout, stderr } = context;
  const cwd = context.cwd ?? process.cwd();
  const { kubeconfigFileName, buildExecKubeconfig, buildKubeconfig } =
    loadCommon();

  // Before anything is issued: a kubeconfig kubectl cannot run is no use.
  const execCommand =
    mode === 'exec'
      ? await resolveExecCommand({ env, launcher: context.launcher })
      : undefined;
  let target: string | undefined;
  const token = await getBackstageToken({
    backendUrl,
    tokenCommand: options.tokenCommand,
    env,
    searchFrom: tokenSearchFrom(context),
  });
  const { credential, issued, privateKeyPem } = await issueCredential({
    backendUrl,
    token,
    ttlSeconds: options.ttlSeconds,
    keyType: options.keyType,
    fetch: context.fetch,
    now: context.now,
    onIdentity: async identity => {
      target = resolve(
        cwd,
        options.kubeconfig ??
          kubeconfigFileName({ username: identity.username }),
      );
      if (!options.force && (await exists(target))) {
        throw new CliError(
          `${target} already exists; use --force to overwrite it, or --kubeconfig to write another file`,
        );
      }
    },
  });
  const file = target!;

  let kubeconfig: string;
  if (execCommand) {
    const cachePath = credentialCachePath({
      backendUrl,
      env,
      homeDirectory: context.homeDirectory,
    });
    await withCacheLock(cachePath, () =>
      writeCredentialCache(cachePath, credential),
    );
    kubeconfig = buildExecKubeconfig({
      username: issued.username,
      clusters: issued.clusters,
      command: execCommand,
      args: credentialArgs(options),
      installHint:
        'The kubeconfig runs the Cluster Access CLI (cluster-access, package @cluster-access/cli) for its credentials: install it, or run "cluster-access login" again from where it is installed.',
    });
  } else {
    kubeconfig = buildKubeconfig({
      username: issued.username,
      certificatePem: issued.certificate,
      caChain: issued.caChain,
      privateKeyPem,
      clusters: issued.clusters,
    });
  }
  await writePrivateFile(file, kubeconfig);

  for (const warning of issued.warnings) {
    stderr.write(`cluster-access: warning from Backstage: ${warning}\n`);
  }
  const now = (context.now ?? Date.now)();
  const lifetime = Math.floor((Date.parse(credential.expiresAt) - now) / 1000);
  const minRemaining =
    options.minRemainingSeconds ?? DEFAULT_MIN_REMAINING_SECONDS;
  const lines = [
    `Signed in to ${backendUrl} as ${issued.username}${
      issued.groups.length ? `, groups ${issued.groups.join(', ')}` : ''
    }.`,
    `Certificate ${issued.serialNumber} (${
      keyTypeNames[credential.keyType]
    } key made here) valid until ${credential.expiresAt} (${formatDuration(
      // To the minute: "8h", not "7h59m59s" a second after issuance.
      lifetime >= 600 ? Math.round(lifetime / 60) * 60 : lifetime,
    )}).`,
    mode === 'exec'
      ? `Wrote ${file}: kubectl runs 'cluster-access credential', which gets a new certificate when less than ${formatDuration(
          minRemaining,
        )} is left.`
      : `Wrote ${file} with the certificate and key embedded; run login again when it expires.`,
    '',
    'Try it:',
    `  kubectl --kubeconfig ${shellQuote(file)} auth whoami`,
    '',
  ];
  stdout.write(lines.join('\n'));
  if (mode === 'exec' && lifetime <= minRemaining) {
    stderr.write(
      `cluster-access: warning: the certificate lives ${formatDuration(
        lifetime,
      )}, no more than --min-remaining ${formatDuration(
        minRemaining,
      )}, so every kubectl call will get a new one; use a longer --ttl or a shorter --min-remaining\n`,
    );
  }
}
