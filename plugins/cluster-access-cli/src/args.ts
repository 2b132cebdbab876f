import { parseArgs } from 'node:util';
import type { ClientKeyAlgorithm } from '@cluster-access/plugin-cluster-access-common';
import { parseDuration } from './duration';
import { UsageError } from './errors';

/** Key types on the command line, and the algorithm each one stands for. */
const keyTypes: Record<string, ClientKeyAlgorithm> = {
  'ecdsa-p256': 'ECDSA-P256',
  'ecdsa-p384': 'ECDSA-P384',
  'rsa-2048': 'RSA-2048',
};

/**
 * How much life a cached certificate must have left for `credential` to hand
 * it out rather than renew it, unless `--min-remaining` says otherwise.
 *
 * @public
 */
export const DEFAULT_MIN_REMAINING_SECONDS = 600;

/** Options of `cluster-access login`. @public */
export interface LoginOptions {
  command: 'login';
  backendUrl: string;
  ttlSeconds?: number;
  keyType?: ClientKeyAlgorithm;
  /** Where to write the kubeconfig; defaults to `<username>-kubeconfig.yaml`. */
  kubeconfig?: string;
  mode: 'exec' | 'embed';
  force: boolean;
  tokenCommand?: string;
  /** Only given to the exec plugin's arguments when set. */
  minRemainingSeconds?: number;
}

/** Options of `cluster-access credential`. @public */
export interface CredentialOptions {
  command: 'credential';
  backendUrl: string;
  minRemainingSeconds: number;
  ttlSeconds?: number;
  keyType?: ClientKeyAlgorithm;
  tokenCommand?: string;
}

/** Options of `cluster-access status`. @public */
export interface StatusOptions {
  command: 'status';
  backendUrl?: string;
}

/** A help request: `--help`, `help [command]` or no command at all. @public */
export interface HelpRequest {
  command: 'help';
  text: string;
}

/** A parsed command line. @public */
export type CommandLine =
  | LoginOptions
  | CredentialOptions
  | StatusOptions
  | HelpRequest;

const tokenHelp = `Backstage token (first that is set):
  --token-command CMD       run CMD in a shell and use its output
                            (or env CLUSTER_ACCESS_TOKEN_COMMAND)
  env CLUSTER_ACCESS_TOKEN  the token itself, for CI and scripts
  otherwise                 backstage-cli auth print-token, for the instance
                            signed in to --backend-url
                            (run: backstage-cli auth login --backend-url URL)`;

const usages = {
  main: `Usage: cluster-access <command> [options]

Get a short-lived Kubernetes client certificate from Backstage, and let
kubectl renew it. The private key is made on this machine and never sent.

Commands:
  login       get a certificate and write a kubeconfig
  credential  the kubectl exec-credential plugin (kubectl runs it)
  status      show the cached certificate: user, groups, time left

Run 'cluster-access <command> --help' for a command's options.
`,
  login: `Usage: cluster-access login --backend-url URL [options]

Asks Backstage who you are, makes a key pair and a CSR here, gets the
certificate signed, and writes a kubeconfig.

Options:
  --backend-url URL      the Backstage backend, e.g. https://backstage.example.com
  --ttl DURATION         certificate lifetime, e.g. 8h (default: the portal's)
  --key-type TYPE        ecdsa-p256 (default), ecdsa-p384 or rsa-2048
  --kubeconfig PATH      file to write (default: ./<username>-kubeconfig.yaml)
  --exec                 the kubeconfig runs 'cluster-access credential', which
                         renews the certificate (default); the certificate and
                         key are cached in $XDG_CACHE_HOME/cluster-access
  --embed                embed the certificate and key in the kubeconfig, like
                         the portal's download (no renewal)
  --min-remaining DUR    with --exec: renew when less than DUR is left
                         (default: 10m)
  --force                overwrite an existing kubeconfig file
  --token-command CMD    see below
  -h, --help             show this help

${tokenHelp}
`,
  credential: `Usage: cluster-access credential --backend-url URL [options]

The kubectl exec-credential plugin: prints an ExecCredential with a client
certificate and key. Uses the cached certificate while it has at least
--min-remaining left; otherwise makes a new key pair, gets a new certificate
from Backstage, and caches it.

Options:
  --backend-url URL      the Backstage backend
  --min-remaining DUR    renew when less than DUR is left (default: 10m)
  --ttl DURATION         lifetime of renewed certificates (default: the
                         portal's, or what login was given)
  --key-type TYPE        ecdsa-p256, ecdsa-p384 or rsa-2048 (default: as
                         before, else ecdsa-p256)
  --token-command CMD    see below
  -h, --help             show this help

${tokenHelp}
`,
  status: `Usage: cluster-access status [--backend-url URL]

Shows who the cached certificate says you are, its groups and the time it
has left, for one backend or for every cached one. Makes no network calls.
Exits 1 when there is no valid certificate.

Options:
  --backend-url URL      only this backend
  -h, --help             show this help
`,
};

/**
 * The usage text of a command, or of the whole CLI.
 *
 * @public
 */
export function usage(command?: string): string {
  return command && command in usages
    ? usages[command as keyof typeof usages]
    : usages.main;
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * The canonical form of a Backstage backend URL (scheme, host, port and base
 * path, no trailing slash), which keys the credential cache and is compared
 * with what the cache was made for. Plain `http` is refused except on this
 * machine, because the CLI sends a bearer token to it.
 *
 * @public
 */
export function normalizeBackendUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`'${value}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`'${value}' is not an http(s) URL`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new Error(
      `'${value}' uses plain http; use https, since the CLI sends your Backstage token to it (plain http is only accepted for localhost)`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(
      `'${value}' should be only the backend's base URL, without credentials, query or fragment`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

type Values = Record<string, string | boolean | undefined>;

const optionSpecs = {
  login: {
    'backend-url': { type: 'string' },
    ttl: { type: 'string' },
    'key-type': { type: 'string' },
    kubeconfig: { type: 'string' },
    exec: { type: 'boolean' },
    embed: { type: 'boolean' },
    'min-remaining': { type: 'string' },
    force: { type: 'boolean' },
    'token-command': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  credential: {
    'backend-url': { type: 'string' },
    'min-remaining': { type: 'string' },
    ttl: { type: 'string' },
    'key-type': { type: 'string' },
    'token-command': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  status: {
    'backend-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
} as const;

type CommandName = keyof typeof optionSpecs;

/** Reads one command's options, turning every complaint into a UsageError. */
class OptionReader {
  constructor(
    private readonly command: CommandName,
    private readonly values: Values,
  ) {}

  fail(message: string): never {
    throw new UsageError(message, usage(this.command));
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (typeof value !== 'string') return undefined;
    if (!value.trim()) this.fail(`--${name} needs a value`);
    return value;
  }

  backendUrl(required: true): string;
  backendUrl(required: false): string | undefined;
  backendUrl(required: boolean): string | undefined {
    const value = this.string('backend-url');
    if (value === undefined) {
      if (required) this.fail('--backend-url is required');
      return undefined;
    }
    try {
      return normalizeBackendUrl(value);
    } catch (e) {
      return this.fail(`--backend-url: ${(e as Error).message}`);
    }
  }

  duration(name: string, options: { min: number }): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    let seconds: number;
    try {
      seconds = parseDuration(value);
    } catch (e) {
      return this.fail(`--${name}: ${(e as Error).message}`);
    }
    if (seconds < options.min) {
      this.fail(`--${name} must be at least ${options.min}s, got ${value}`);
    }
    return seconds;
  }

  keyType(): ClientKeyAlgorithm | undefined {
    const value = this.string('key-type');
    if (value === undefined) return undefined;
    const algorithm = keyTypes[value.toLowerCase()];
    if (!algorithm) {
      this.fail(
        `--key-type must be one of ${Object.keys(keyTypes).join(
          ', ',
        )}, got '${value}'`,
      );
    }
    return algorithm;
  }
}

/**
 * Parses the arguments after `cluster-access`. Unknown commands and options,
 * missing values and bad values throw a {@link UsageError}.
 *
 * @public
 */
export function parseCommandLine(args: string[]): CommandLine {
  const [command, ...rest] = args;
  if (
    command === undefined ||
    command === '--help' ||
    command === '-h' ||
    command === 'help'
  ) {
    if (command === 'help' && rest[0] && !(rest[0] in optionSpecs)) {
      throw new UsageError(`Unknown command '${rest[0]}'`, usage());
    }
    return { command: 'help', text: usage(rest[0]) };
  }
  if (!(command in optionSpecs)) {
    throw new UsageError(`Unknown command '${command}'`, usage());
  }
  const name = command as CommandName;

  let values: Values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: optionSpecs[name],
      strict: true,
      allowPositionals: false,
    }) as { values: Values });
  } catch (e) {
    // parseArgs says what is wrong ("Unknown option '--x'") but speaks of
    // its own API; keep the first sentence.
    const message = (e as Error).message.split('. ')[0];
    throw new UsageError(message, usage(name));
  }
  if (values.help) {
    return { command: 'help', text: usage(name) };
  }
  const read = new OptionReader(name, values);

  switch (name) {
    case 'login': {
      if (values.exec && values.embed) {
        read.fail('--exec and --embed exclude each other');
      }
      const kubeconfig = read.string('kubeconfig');
      const minRemainingSeconds = read.duration('min-remaining', { min: 0 });
      if (values.embed && minRemainingSeconds !== undefined) {
        read.fail('--min-remaining only applies with --exec');
      }
      return {
        command: 'login',
        backendUrl: read.backendUrl(true),
        // The backend refuses anything under a minute.
        ttlSeconds: read.duration('ttl', { min: 60 }),
        keyType: read.keyType(),
        kubeconfig,
        mode: values.embed ? 'embed' : 'exec',
        force: Boolean(values.force),
        tokenCommand: read.string('token-command'),
        minRemainingSeconds,
      };
    }
    case 'credential':
      return {
        command: 'credential',
        backendUrl: read.backendUrl(true),
        minRemainingSeconds:
          read.duration('min-remaining', { min: 0 }) ??
          DEFAULT_MIN_REMAINING_SECONDS,
        ttlSeconds: read.duration('ttl', { min: 60 }),
        keyType: read.keyType(),
        tokenCommand: read.string('token-command'),
      };
    default:
      return { command: 'status', backendUrl: read.backendUrl(false) };
  }
}
