import { assembleKubeconfig, checkClusters } from './kubeconfigAssembly';
import { ClusterInfo } from './types';

export { kubeconfigNames } from './kubeconfigAssembly';
export type { KubeconfigNames } from './kubeconfigAssembly';

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
