import { parseArgs } from 'node:util';
import type { ClientKeyAlgorithm } from '@cluster-access/plugin-cluster-access-common';
import { parseDuration } from './duration';
import { UsageError } from './errors';
import { CommandName, usage } from './usage';

export { usage } from './usage';

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
  /** `--kubeconfig`: the kubeconfig to merge into, as for kubectl. */
  kubeconfig?: string;
  /** `-o`: a separate kubeconfig file, or `-` for stdout, instead of merging. */
  output?: string;
  /** Make the first new context current even if one is set. */
  setCurrent: boolean;
  mode: 'exec' | 'embed';
  force: boolean;
  tokenCommand?: string;
  /** Only given to the exec plugin's arguments when set. */
  minRemainingSeconds?: number;
  /** `--certificate-authority`, as given. */
  certificateAuthority?: string;
}

/** Options of `cluster-access credential`. @public */
export interface CredentialOptions {
  command: 'credential';
  backendUrl: string;
  minRemainingSeconds: number;
  ttlSeconds?: number;
  keyType?: ClientKeyAlgorithm;
  tokenCommand?: string;
  certificateAuthority?: string;
}

/** Options of `cluster-access status`. @public */
export interface StatusOptions {
  command: 'status';
  backendUrl?: string;
  output: 'text' | 'json';
}

/** Options of `cluster-access logout`. @public */
export interface LogoutOptions {
  command: 'logout';
  /** One backend, or `undefined` for every cached one (`--all`). */
  backendUrl?: string;
  revoke: boolean;
  tokenCommand?: string;
  certificateAuthority?: string;
}

/**
 * Something to print and exit 0: `--help`, `help [command]`, no command at
 * all, or `--version`.
 *
 * @public
 */
export interface HelpRequest {
  command: 'help';
  text?: string;
  version?: boolean;
}

/** A parsed command line. @public */
export type CommandLine =
  | LoginOptions
  | CredentialOptions
  | StatusOptions
  | LogoutOptions
  | HelpRequest;

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
    output: { type: 'string', short: 'o' },
    'set-current': { type: 'boolean' },
    exec: { type: 'boolean' },
    embed: { type: 'boolean' },
    'min-remaining': { type: 'string' },
    force: { type: 'boolean' },
    'certificate-authority': { type: 'string' },
    'token-command': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  credential: {
    'backend-url': { type: 'string' },
    'min-remaining': { type: 'string' },
    ttl: { type: 'string' },
    'key-type': { type: 'string' },
    'certificate-authority': { type: 'string' },
    'token-command': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  status: {
    'backend-url': { type: 'string' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  },
  logout: {
    'backend-url': { type: 'string' },
    all: { type: 'boolean' },
    revoke: { type: 'boolean' },
    'certificate-authority': { type: 'string' },
    'token-command': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
} as const satisfies Record<CommandName, unknown>;

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
  if (command === '--version') {
    return { command: 'help', version: true };
  }
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
    case 'login':
      return loginOptions(read, values);
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
        certificateAuthority: read.string('certificate-authority'),
      };
    case 'status': {
      const output = read.string('output') ?? 'text';
      if (output !== 'text' && output !== 'json') {
        read.fail(`--output must be text or json, got '${output}'`);
      }
      return {
        command: 'status',
        backendUrl: read.backendUrl(false),
        output: output as 'text' | 'json',
      };
    }
    default: {
      const backendUrl = read.backendUrl(false);
      if (Boolean(backendUrl) === Boolean(values.all)) {
        read.fail('give either --backend-url URL or --all');
      }
      if (!values.revoke && values['token-command'] !== undefined) {
        read.fail('--token-command only applies with --revoke');
      }
      return {
        command: 'logout',
        backendUrl,
        revoke: Boolean(values.revoke),
        tokenCommand: read.string('token-command'),
        certificateAuthority: read.string('certificate-authority'),
      };
    }
  }
}

function loginOptions(read: OptionReader, values: Values): LoginOptions {
  if (values.exec && values.embed) {
    read.fail('--exec and --embed exclude each other');
  }
  const output = read.string('output');
  const kubeconfig = read.string('kubeconfig');
  if (output !== undefined && kubeconfig !== undefined) {
    read.fail(
      '--kubeconfig names the kubeconfig to merge into and -o a separate file to write: give one of them',
    );
  }
  if (output !== undefined && values['set-current']) {
    read.fail('--set-current only applies when merging (without -o)');
  }
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
    output,
    setCurrent: Boolean(values['set-current']),
    mode: values.embed ? 'embed' : 'exec',
    force: Boolean(values.force),
    tokenCommand: read.string('token-command'),
    minRemainingSeconds,
    certificateAuthority: read.string('certificate-authority'),
  };
}
