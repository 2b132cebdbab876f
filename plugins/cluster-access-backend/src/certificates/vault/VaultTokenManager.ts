import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { readFile, stat } from 'node:fs/promises';
import type NodeVault from 'node-vault';
import { VaultAuthSettings } from '../../config/types';
import { callVault, VaultResponseError, toBackstageError } from './errors';

/** A token the manager holds, with what Vault told us about its lease. */
interface HeldToken {
  token: string;
  /** Epoch ms; undefined for tokens without expiry (or unknown). */
  expiresAt?: number;
  /** Seconds of the last lease Vault granted. */
  leaseSeconds: number;
  renewable: boolean;
  obtainedAt: number;
}

/**
 * Options for {@link VaultTokenManager}.
 *
 * @internal
 */
export interface VaultTokenManagerOptions {
  auth: VaultAuthSettings;
  /** A node-vault client without a token; the manager passes tokens per request. */
  vault: NodeVault.client;
  address: string;
  timeoutMs: number;
  logger: LoggerService;
}

/**
 * Holds the backend's Vault token and keeps it usable.
 *
 * - `token`: looked up once (TTL, renewable), then renewed before expiry.
 * - `tokenFile`: re-read whenever the file's mtime, size or content changes;
 *   its writer (a Vault agent) owns renewal.
 * - `kubernetes` / `approle`: logs in on first use, renews with renew-self at
 *   two thirds of the lease, logs in again when renewal fails or no longer
 *   extends the lease (max TTL reached) and when Vault says the token is gone.
 *
 * Concurrent callers share one login: there is at most one in flight.
 *
 * @internal
 */
export class VaultTokenManager {
  private held?: HeldToken;
  private loginInFlight?: Promise<HeldToken>;
  private maintenanceInFlight?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private file?: { mtimeMs: number; size: number; token: string };
  private readonly auth: VaultAuthSettings;
  private readonly vault: NodeVault.client;
  private readonly address: string;
  private readonly timeoutMs: number;
  private readonly logger: LoggerService;

  constructor(options: VaultTokenManagerOptions) {
    this.auth = options.auth;
    this.vault = options.vault;
    this.address = options.address;
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger;
  }

  /** The auth method, for messages and tests. */
  get method(): VaultAuthSettings['method'] {
    return this.auth.method;
  }

  /** A token to use now; logs in or re-reads the token file when needed. */
  async getToken(): Promise<string> {
    if (this.auth.method === 'tokenFile') {
      return this.readTokenFile(false);
    }
    const held = this.held;
    if (held && !this.isExpiring(held)) {
      if (this.isDueForRenewal(held)) {
        // The timer should have done this; a suspended process or a slow
        // event loop can miss it. Renew in the background.
        void this.maintain();
      }
      return held.token;
    }
    if (this.auth.method === 'token') {
      return (await this.initStaticToken()).token;
    }
    return (await this.login()).token;
  }

  /**
   * Called after Vault answered 403 to a request made with `token`. Returns
   * true when a retry with a fresh token makes sense: the token is really no
   * longer valid (checked with lookup-self) and this method can replace it.
   */
  async recover(token: string): Promise<boolean> {
    if (await this.isTokenValid(token)) {
      // The token works; the 403 is the policy's answer.
      return false;
    }
    switch (this.auth.method) {
      case 'tokenFile':
        return (await this.readTokenFile(true)) !== token;
      case 'token':
        this.logger.warn(
          'The configured Vault token is no longer valid; configure a new one',
        );
        return false;
      default:
        if (this.held?.token === token) {
          this.held = undefined;
          this.clearTimer();
        }
        return true;
    }
  }

  /** Stops renewing; the manager can no longer be used afterwards. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private isExpiring(held: HeldToken): boolean {
    if (held.expiresAt === undefined) return false;
    // Keep a margin so that a request started now still carries a live token.
    const margin = Math.min(10_000, (held.leaseSeconds * 1000) / 10);
    return Date.now() >= held.expiresAt - margin;
  }

  private renewAt(held: HeldToken): number | undefined {
    if (held.expiresAt === undefined) return undefined;
    return held.obtainedAt + ((held.expiresAt - held.obtainedAt) * 2) / 3;
  }

  private isDueForRenewal(held: HeldToken): boolean {
    const at = this.renewAt(held);
    return at !== undefined && Date.now() >= at;
  }

  private clearTimer() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private schedule(held: HeldToken) {
    this.clearTimer();
    const at = this.renewAt(held);
    if (this.stopped || at === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.maintain();
    }, Math.max(250, at - Date.now()));
    this.timer.unref?.();
  }

  private headers(token: string) {
    return { headers: { 'X-Vault-Token': token }, timeout: this.timeoutMs };
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return callVault(fn, {
      address: this.address,
      timeoutMs: this.timeoutMs,
    });
  }

  private async isTokenValid(token: string): Promise<boolean> {
    try {
      await this.call(() =>
        this.vault.read('auth/token/lookup-self', this.headers(token)),
      );
      return true;
    } catch (e) {
      // Only a definite "no" from Vault counts; when Vault is unreachable we
      // cannot tell, and a retry would not help either.
      return !(e instanceof VaultResponseError && e.status === 403);
    }
  }

  private async readTokenFile(force: boolean): Promise<string> {
    const { tokenFile } = this.auth as { tokenFile: string };
    let info;
    try {
      info = await stat(tokenFile);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      // The path is for operators; users are told what is missing.
      this.logger.error(
        `Cannot read the Vault token file ${tokenFile} (${code})`,
      );
      throw new ServiceUnavailableError(
        `Certificate issuance is unavailable: the backend cannot read its Vault token (${code})`,
      );
    }
    const cached = this.file;
    if (
      !force &&
      cached &&
      cached.mtimeMs === info.mtimeMs &&
      cached.size === info.size
    ) {
      return cached.token;
    }
    const token = (await readFile(tokenFile, 'utf8')).trim();
    if (!token) {
      this.logger.error(`The Vault token file ${tokenFile} is empty`);
      throw new ServiceUnavailableError(
        `Certificate issuance is unavailable: the backend's Vault token is empty`,
      );
    }
    if (cached && cached.token !== token) {
      this.logger.info(
        `Vault token file ${tokenFile} changed; using the new token`,
      );
    }
    this.file = { mtimeMs: info.mtimeMs, size: info.size, token };
    return token;
  }

  private initStaticToken(): Promise<HeldToken> {
    if (this.loginInFlight) return this.loginInFlight;
    const { token } = this.auth as { token: string };
    this.loginInFlight = (async () => {
      const now = Date.now();
      let held: HeldToken = {
        token,
        leaseSeconds: 0,
        renewable: false,
        obtainedAt: now,
      };
      try {
        const res = await this.call(() =>
          this.vault.read('auth/token/lookup-self', this.headers(token)),
        );
        const ttl = Number(res?.data?.ttl ?? 0);
        held = {
          token,
          leaseSeconds: ttl,
          renewable: Boolean(res?.data?.renewable) && ttl > 0,
          obtainedAt: now,
          expiresAt: ttl > 0 ? now + ttl * 1000 : undefined,
        };
      } catch (e) {
        // Unreachable, sealed or failing: try again with the next request,
        // so that the token is still renewed once Vault is back.
        if (!(e instanceof VaultResponseError) || e.status !== 403) {
          throw this.failure(e as Error, 'look up its own token');
        }
        // A policy without lookup-self, or a dead token: use it as it is;
        // requests will tell.
        this.logger.warn(
          `Could not look up the configured Vault token (${e.message}); it will not be renewed`,
        );
      }
      this.held = held;
      this.schedule(held);
      return held;
    })().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  private async loginRequest(): Promise<{ path: string; body: object }> {
    const auth = this.auth;
    if (auth.method === 'approle') {
      return {
        path: `auth/${auth.mount}/login`,
        body: { role_id: auth.roleId, secret_id: auth.secretId },
      };
    }
    if (auth.method === 'kubernetes') {
      let jwt: string;
      try {
        // Re-read at every login: kubelet rotates projected tokens.
        jwt = (await readFile(auth.jwtFile, 'utf8')).trim();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? 'error';
        this.logger.error(
          `Cannot read the service-account token ${auth.jwtFile} (${code})`,
        );
        throw new ServiceUnavailableError(
          `Certificate issuance is unavailable: the backend cannot read its service-account token for Vault (${code})`,
        );
      }
      return {
        path: `auth/${auth.mount}/login`,
        body: { role: auth.role, jwt },
      };
    }
    throw new Error(`Vault auth method ${auth.method} does not log in`);
  }

  /** Logs in, sharing one login between all concurrent callers. */
  /**
   * The error users see for a failed token call, without Vault's address;
   * the log line, for operators, has it.
   */
  private failure(error: Error, action: string): Error {
    this.logger.warn(`Vault: could not ${action}: ${error.message}`);
    return toBackstageError(error, { action });
  }

  private login(): Promise<HeldToken> {
    if (this.loginInFlight) return this.loginInFlight;
    this.loginInFlight = (async () => {
      const { path, body } = await this.loginRequest();
      let res;
      try {
        res = await this.call(() =>
          this.vault.write(path, body, { timeout: this.timeoutMs }),
        );
      } catch (e) {
        throw this.failure(e as Error, `log in with ${this.auth.method} auth`);
      }
      const auth = res?.auth;
      if (!auth?.client_token) {
        throw toBackstageError(new VaultResponseError(502, ['no token']), {
          action: `log in with ${this.auth.method} auth`,
        });
      }
      const now = Date.now();
      const lease = Number(auth.lease_duration ?? 0);
      const held: HeldToken = {
        token: auth.client_token,
        leaseSeconds: lease,
        renewable: Boolean(auth.renewable) && lease > 0,
        obtainedAt: now,
        expiresAt: lease > 0 ? now + lease * 1000 : undefined,
      };
      this.held = held;
      this.schedule(held);
      this.logger.info(
        `Logged in to Vault with ${this.auth.method} auth (lease ${lease}s)`,
      );
      return held;
    })().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  /** Renews the held token, or replaces it by logging in again. */
  private maintain(): Promise<void> {
    if (this.maintenanceInFlight) return this.maintenanceInFlight;
    this.maintenanceInFlight = this.doMaintain()
      .catch(e => {
        this.logger.warn(
          `Vault token maintenance failed: ${(e as Error).message}`,
        );
        // Try again soon; requests in between log in on demand.
        if (!this.stopped && this.held) {
          this.clearTimer();
          this.timer = setTimeout(() => void this.maintain(), 5_000);
          this.timer.unref?.();
        }
      })
      .finally(() => {
        this.maintenanceInFlight = undefined;
      });
    return this.maintenanceInFlight;
  }

  private async doMaintain(): Promise<void> {
    const held = this.held;
    if (this.stopped || !held) return;
    const canLogin =
      this.auth.method === 'approle' || this.auth.method === 'kubernetes';
    if (held.renewable) {
      try {
        const res = await this.call(() =>
          this.vault.write(
            'auth/token/renew-self',
            { increment: `${held.leaseSeconds}s` },
            this.headers(held.token),
          ),
        );
        const lease = Number(res?.auth?.lease_duration ?? 0);
        const now = Date.now();
        const expiresAt = now + lease * 1000;
        // Renewal that does not push expiry out meaningfully means the
        // token's max TTL is near: only a new login helps then.
        const extended =
          lease > 0 &&
          expiresAt > (held.expiresAt ?? 0) + held.leaseSeconds * 100;
        if (this.held !== held) return;
        this.held = {
          ...held,
          expiresAt,
          obtainedAt: now,
          renewable: Boolean(res?.auth?.renewable ?? true) && lease > 0,
        };
        if (extended || !canLogin) {
          if (!extended) {
            this.logger.warn(
              `The configured Vault token reaches its max TTL in ${lease}s and cannot be renewed further`,
            );
          }
          this.schedule(this.held);
          return;
        }
      } catch (e) {
        if (!canLogin) throw e;
        this.logger.warn(
          `Vault token renewal failed (${
            (e as Error).message
          }); logging in again`,
        );
      }
    } else if (!canLogin) {
      return;
    }
    if (this.held === held || this.held?.token === held.token) {
      await this.login();
    }
  }
}
