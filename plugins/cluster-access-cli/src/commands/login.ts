import type { ClientKeyAlgorithm } from '@cluster-access/plugin-cluster-access-common';
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
import { pathExists, writeFileAtomic } from '../files';
import { issueCredential, IssuedCredential } from '../issue';
import {
  KubeconfigLocations,
  kubeconfigLocations,
  mergeIntoKubeconfig,
  readKubeconfigs,
} from '../kubeconfigFiles';
import type { KubeconfigEntries } from '../kubeconfigMerge';
import { loadYaml } from '../libraries';
import { backendFetch, certificateAuthorityPath } from '../tls';
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
function credentialArgs(options: LoginOptions, context: CliContext): string[] {
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
  if (options.certificateAuthority) {
    // Absolute: kubectl runs the plugin from wherever the user is.
    args.push(
      '--certificate-authority',
      certificateAuthorityPath(options.certificateAuthority, context)!,
    );
  }
  if (options.tokenCommand) {
    args.push('--token-command', options.tokenCommand);
  }
  return args;
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

/** The standalone kubeconfig for the new certificate, exec or embedded. */
async function buildStandaloneKubeconfig(
  options: LoginOptions,
  context: CliContext,
  result: IssuedCredential,
  execCommand: string | undefined,
): Promise<string> {
  const { buildExecKubeconfig, buildKubeconfig } = loadCommon();
  const { credential, issued, privateKeyPem } = result;
  if (!execCommand) {
    return buildKubeconfig({
      username: issued.username,
      certificatePem: issued.certificate,
      caChain: issued.caChain,
      privateKeyPem,
      clusters: issued.clusters,
    });
  }
  const cachePath = credentialCachePath({
    backendUrl: options.backendUrl,
    env: context.env,
    homeDirectory: context.homeDirectory,
    cwd: context.cwd,
  });
  await withCacheLock(cachePath, () =>
    writeCredentialCache(cachePath, credential),
  );
  return buildExecKubeconfig({
    username: issued.username,
    clusters: issued.clusters,
    command: execCommand,
    args: credentialArgs(options, context),
    installHint:
      'The kubeconfig runs the Cluster Access CLI (cluster-access, npm package @cluster-access/cli) for its credentials: install it (npm install -g @cluster-access/cli), or run "cluster-access login" again from where it is installed.',
  });
}

/** Merges the kubeconfig's entries and says what changed. */
async function merge(
  options: LoginOptions,
  locations: KubeconfigLocations,
  kubeconfig: string,
): Promise<string[]> {
  const config = loadYaml().parse(kubeconfig);
  const entries: KubeconfigEntries = {
    clusters: config.clusters,
    contexts: config.contexts,
    users: config.users,
  };
  const { written, currentContext } = await mergeIntoKubeconfig({
    locations,
    entries,
    setCurrent: options.setCurrent,
    force: options.force,
  });
  const contexts = entries.contexts.map(c => c.name);
  const lines = written.map(({ path, backup }) =>
    backup
      ? `Updated ${path} (the previous version is in ${backup}).`
      : `Created ${path}.`,
  );
  if (written.length === 0) {
    lines.push(
      `${locations.precedence.join(
        ', ',
      )} already had these entries: nothing changed.`,
    );
  }
  lines.push(
    `Contexts: ${contexts.join(', ')}${
      currentContext ? ` (current-context is now ${currentContext})` : ''
    }.`,
  );
  const flag = locations.explicit
    ? ` --kubeconfig ${shellQuote(locations.defaultPath)}`
    : '';
  lines.push(
    '',
    'Try it:',
    `  kubectl${flag} --context ${shellQuote(contexts[0])} auth whoami`,
  );
  return lines;
}

/**
 * `cluster-access login`: gets a certificate for a key made here, and adds
 * its clusters, users and contexts to the kubeconfig kubectl uses, or writes
 * a separate kubeconfig (`-o FILE`, or `-o -` for stdout). Its users either
 * run `cluster-access credential` (with the certificate and key in the
 * cache) or embed both.
 *
 * @public
 */
export async function runLogin(
  options: LoginOptions,
  context: CliContext,
): Promise<void> {
  const { backendUrl, mode, output } = options;
  const { env, stderr } = context;
  const cwd = context.cwd ?? process.cwd();
  // With -o -, stdout is the kubeconfig alone.
  const messages = output === '-' ? stderr : context.stdout;

  // Before anything is issued: a kubeconfig kubectl cannot run is no use,
  // and neither is one that cannot be written.
  const execCommand =
    mode === 'exec'
      ? await resolveExecCommand({ env, launcher: context.launcher })
      : undefined;
  const locations =
    output === undefined
      ? await kubeconfigLocations({
          explicit: options.kubeconfig,
          env,
          cwd,
          homeDirectory: context.homeDirectory,
        })
      : undefined;
  const outputFile =
    output !== undefined && output !== '-' ? resolve(cwd, output) : undefined;
  const fetch = await backendFetch(options.certificateAuthority, context);
  const token = await getBackstageToken({
    backendUrl,
    tokenCommand: options.tokenCommand,
    env,
    searchFrom: tokenSearchFrom(context),
  });
  const result = await issueCredential({
    backendUrl,
    token,
    ttlSeconds: options.ttlSeconds,
    keyType: options.keyType,
    fetch,
    now: context.now,
    onIdentity: async () => {
      if (locations) await readKubeconfigs(locations.precedence);
      if (outputFile && !options.force && (await pathExists(outputFile))) {
        throw new CliError(
          `${outputFile} already exists; use --force to overwrite it, or leave out -o to merge into your kubeconfig`,
        );
      }
    },
  });
  const kubeconfig = await buildStandaloneKubeconfig(
    options,
    context,
    result,
    execCommand,
  );

  let delivered: string[];
  if (locations) {
    delivered = await merge(options, locations, kubeconfig);
  } else if (outputFile) {
    await fs.mkdir(dirname(outputFile), { recursive: true });
    await writeFileAtomic(outputFile, kubeconfig);
    delivered = [
      `Wrote ${outputFile}.`,
      '',
      'Try it:',
      `  kubectl --kubeconfig ${shellQuote(outputFile)} auth whoami`,
    ];
  } else {
    context.stdout.write(kubeconfig);
    delivered = ['Wrote the kubeconfig to stdout.'];
  }
  reportLogin(options, context, result, messages, delivered);
}

function reportLogin(
  options: LoginOptions,
  context: CliContext,
  { credential, issued }: IssuedCredential,
  messages: { write(text: string): unknown },
  delivered: string[],
) {
  for (const warning of issued.warnings) {
    context.stderr.write(
      `cluster-access: warning from Backstage: ${warning}\n`,
    );
  }
  const now = (context.now ?? Date.now)();
  const lifetime = Math.floor((Date.parse(credential.expiresAt) - now) / 1000);
  const minRemaining =
    options.minRemainingSeconds ?? DEFAULT_MIN_REMAINING_SECONDS;
  const lines = [
    `Signed in to ${options.backendUrl} as ${issued.username}${
      issued.groups.length ? `, groups ${issued.groups.join(', ')}` : ''
    }.`,
    `Certificate ${issued.serialNumber} (${
      keyTypeNames[credential.keyType]
    } key made here) valid until ${credential.expiresAt} (${formatDuration(
      // To the minute: "8h", not "7h59m59s" a second after issuance.
      lifetime >= 600 ? Math.round(lifetime / 60) * 60 : lifetime,
    )}).`,
    options.mode === 'exec'
      ? `kubectl runs 'cluster-access credential', which gets a new certificate when less than ${formatDuration(
          minRemaining,
        )} is left.`
      : 'The certificate and key are embedded in the kubeconfig; run login again when it expires.',
    ...delivered,
    '',
  ];
  messages.write(lines.join('\n'));
  if (options.mode === 'exec' && lifetime <= minRemaining) {
    context.stderr.write(
      `cluster-access: warning: the certificate lives ${formatDuration(
        lifetime,
      )}, no more than --min-remaining ${formatDuration(
        minRemaining,
      )}, so every kubectl call will get a new one; use a longer --ttl or a shorter --min-remaining\n`,
    );
  }
}
