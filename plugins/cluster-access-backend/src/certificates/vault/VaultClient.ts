import { LoggerService } from '@backstage/backend-plugin-api';
import NodeVault from 'node-vault';
import { VaultSettings } from '../../config/types';
import {
  callVault,
  VaultErrorContext,
  VaultResponseError,
  toBackstageError,
} from './errors';
import { createVaultTransport } from './transport';
import { VaultTokenManager } from './VaultTokenManager';
import { timeVaultCall } from '../../metrics/metrics';

/**
 * Options of one {@link VaultClient} call.
 *
 * @internal
 */
export interface VaultCallOptions extends VaultErrorContext {
  /** Answer `undefined` instead of failing when Vault says 404. */
  allowNotFound?: boolean;
}

/**
 * The backend's connection to Vault: node-vault underneath, the token from
 * {@link VaultTokenManager} on every call, one retry with a fresh token when
 * Vault says the token is gone, a hard deadline per call, and failures mapped
 * to `@backstage/errors` (see `toBackstageError`).
 *
 * @internal
 */
export class VaultClient {
  readonly tokens: VaultTokenManager;
  readonly address: string;
  private readonly vault: NodeVault.client;
  private readonly timeoutMs: number;
  private readonly closeTransport: () => void;

  static create(options: {
    config: VaultSettings;
    logger: LoggerService;
  }): VaultClient {
    const { config, logger } = options;
    // Keep-alive connections, with the CA for an https Vault.
    const transport = createVaultTransport({ ca: config.tlsCaPem });
    const vault = NodeVault({
      endpoint: config.address,
      // Tokens go per request, never into the shared client: concurrent
      // requests may hold different tokens while one is being replaced.
      token: undefined,
      requestOptions: { timeout: config.timeoutMs },
      'request-promise': transport,
    });
    // node-vault falls back to VAULT_TOKEN from the environment; the token
    // manager is the only source of tokens here.
    vault.token = '';
    const tokens = new VaultTokenManager({
      auth: config.auth,
      vault,
      address: config.address,
      timeoutMs: config.timeoutMs,
      logger,
    });
    return new VaultClient(
      vault,
      tokens,
      config.address,
      config.timeoutMs,
      transport.close,
      logger,
    );
  }

  private constructor(
    vault: NodeVault.client,
    tokens: VaultTokenManager,
    address: string,
    timeoutMs: number,
    closeTransport: () => void,
    private readonly logger: LoggerService,
  ) {
    this.closeTransport = closeTransport;
    this.vault = vault;
    this.tokens = tokens;
    this.address = address;
    this.timeoutMs = timeoutMs;
  }

  /** GET `/v1/<path>`; the parsed body (for `ca/pem`, the PEM text). */
  async read<T = any>(path: string, options: VaultCallOptions): Promise<T> {
    return this.request(
      vaultOperation('read', path),
      token => this.vault.read(path, this.requestOptions(token)),
      options,
    );
  }

  /** POST `/v1/<path>` with a JSON body. */
  async write<T = any>(
    path: string,
    body: object,
    options: VaultCallOptions,
  ): Promise<T> {
    return this.request(
      vaultOperation('write', path),
      token => this.vault.write(path, body, this.requestOptions(token)),
      options,
    );
  }

  /** Stops token renewal and closes idle connections. */
  close(): void {
    this.tokens.stop();
    this.closeTransport();
  }

  private requestOptions(token: string) {
    return { headers: { 'X-Vault-Token': token }, timeout: this.timeoutMs };
  }

  private once<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return timeVaultCall(
      operation,
      () =>
        callVault(fn, {
          address: this.address,
          timeoutMs: this.timeoutMs,
        }),
      e => (e instanceof VaultResponseError ? e.status : undefined),
    );
  }

  private async request<T>(
    operation: string,
    fn: (token: string) => Promise<T>,
    options: VaultCallOptions,
  ): Promise<T> {
    const token = await this.tokens.getToken();
    try {
      return await this.once(operation, () => fn(token));
    } catch (first) {
      let error = first as Error;
      if (
        error instanceof VaultResponseError &&
        error.status === 403 &&
        (await this.tokens.recover(token))
      ) {
        try {
          const fresh = await this.tokens.getToken();
          return await this.once(operation, () => fn(fresh));
        } catch (second) {
          error = second as Error;
        }
      }
      if (
        options.allowNotFound &&
        error instanceof VaultResponseError &&
        error.status === 404
      ) {
        return undefined as T;
      }
      // Users are told what failed without Vault's address; operators
      // get it here (normalised errors carry no token).
      this.logger.warn(
        `Vault call '${operation}' failed: ${error.message} (Vault at ${this.address})`,
      );
      throw toBackstageError(error, options);
    }
  }
}

/**
 * The kind of a Vault call, for metrics: the path without the names in it
 * (users, groups, the PKI mount and role), e.g. `write sign-verbatim`,
 * `read identity/entity/name`.
 */
export function vaultOperation(method: 'read' | 'write', path: string): string {
  const parts = path.split('/');
  let kind: string;
  if (parts[0] === 'identity') kind = parts.slice(0, 3).join('/');
  else if (parts[0] === 'sys') kind = parts.slice(0, 2).join('/');
  else if (parts[0] === 'auth') kind = `auth/${parts[parts.length - 1]}`;
  // <pkiMount>/sign-verbatim/<role>, <pkiMount>/roles/<role>, <pkiMount>/ca/pem
  else kind = parts[1] ?? 'unknown';
  return `${method} ${kind}`;
}
