import { badRequest, VaultHttpError } from './errors';
import {
  Body,
  formatGoDuration,
  getBool,
  getDuration,
  getInt,
  getKvPairs,
  getList,
  getString,
  has,
} from './fields';
import { isoTime, newAccessor, newServiceToken } from './ids';
import type {
  AuthBlock,
  RequestContext,
  Route,
  TokenEntry,
  VaultResult,
} from './types';
import type { VaultEngine } from './engine';

/** `vault server -dev` keeps the built-in 768h (32 days) default and maximum lease TTLs. */
export const SYSTEM_DEFAULT_TTL = 768 * 3600;
export const SYSTEM_MAX_TTL = 768 * 3600;

/** Vault's `policyutil.SanitizePolicies`: lower-case, de-duplicate, sort, add `default`, root wins. */
export function sanitizePolicies(
  input: string[],
  addDefault: boolean,
): string[] {
  let policies = input.map(p => p.trim().toLowerCase()).filter(p => p !== '');
  if (policies.includes('root')) {
    return ['root'];
  }
  if (addDefault && !policies.includes('default')) {
    policies = [...policies, 'default'];
  }
  return Array.from(new Set(policies)).sort();
}

export interface NewTokenInput {
  policies: string[];
  meta: Record<string, string> | null;
  displayName: string;
  path: string;
  parent: string;
  ttl: number;
  maxTtl: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  numUses: number;
  entityId: string;
  orphan: boolean;
  id?: string;
  renewHook?: TokenEntry['renewHook'];
}

/** Inputs of Vault's `framework.CalculateTTL`; all values in seconds. */
interface TtlInputs {
  increment: number;
  backendTtl: number;
  period: number;
  backendMaxTtl: number;
  explicitMaxTtl: number;
  mountDefaultTtl: number;
  mountMaxTtl: number;
  startTime: number;
  now: number;
}

/**
 * Vault's `framework.CalculateTTL`: the effective TTL for a token issue or renewal, capped by the
 * maximum TTL counted from the token's issue time, with the warning Vault adds when it caps.
 */
export function calculateTtl(input: TtlInputs): {
  ttl: number;
  warnings: string[];
} {
  const warnings: string[] = [];
  let maxTtl = input.mountMaxTtl || SYSTEM_MAX_TTL;
  if (input.backendMaxTtl > 0 && input.backendMaxTtl < maxTtl)
    maxTtl = input.backendMaxTtl;
  if (input.explicitMaxTtl > 0 && input.explicitMaxTtl < maxTtl)
    maxTtl = input.explicitMaxTtl;

  let ttl: number;
  let maxValidTime: number | undefined;
  if (input.period > 0) {
    ttl = input.period;
    if (input.explicitMaxTtl > 0) {
      maxValidTime = input.startTime + input.explicitMaxTtl * 1000;
    }
  } else {
    if (input.increment > 0) ttl = input.increment;
    else if (input.backendTtl > 0) ttl = input.backendTtl;
    else ttl = input.mountDefaultTtl || SYSTEM_DEFAULT_TTL;
    maxValidTime = input.startTime + maxTtl * 1000;
  }
  if (maxValidTime !== undefined) {
    const maxValidTtl = Math.floor((maxValidTime - input.now) / 1000);
    if (maxValidTtl <= 0) {
      throw badRequest('past the max TTL, cannot renew');
    }
    if (ttl > maxValidTtl) {
      warnings.push(
        `TTL of "${formatGoDuration(
          ttl,
        )}" exceeded the effective max_ttl of "${formatGoDuration(
          maxValidTtl,
        )}"; TTL value is capped accordingly`,
      );
      ttl = maxValidTtl;
    }
  }
  return { ttl, warnings };
}

/** The token store: issues, looks up, renews and revokes tokens, and serves `auth/token/*`. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly accessors = new Map<string, string>();

  constructor(private readonly engine: VaultEngine) {}

  create(input: NewTokenInput, now: number): TokenEntry {
    const id = input.id ?? newServiceToken();
    if (this.tokens.has(id)) {
      throw badRequest('cannot create a token with a duplicate ID');
    }
    const entry: TokenEntry = {
      id,
      accessor: newAccessor(),
      policies: input.policies,
      meta: input.meta,
      displayName: input.displayName,
      path: input.path,
      parent: input.parent,
      issueTime: now,
      creationTtl: input.ttl,
      expireTime: input.ttl > 0 ? now + input.ttl * 1000 : null,
      maxTtl: input.maxTtl,
      explicitMaxTtl: input.explicitMaxTtl,
      period: input.period,
      renewable: input.renewable,
      numUses: input.numUses,
      entityId: input.entityId,
      orphan: input.orphan,
      renewHook: input.renewHook,
    };
    this.tokens.set(id, entry);
    this.accessors.set(entry.accessor, id);
    return entry;
  }

  /** Returns the live token, dropping it when its TTL has passed (Vault revokes expired tokens). */
  lookup(id: string | undefined, now: number): TokenEntry | undefined {
    if (!id) return undefined;
    const entry = this.tokens.get(id);
    if (!entry) return undefined;
    if (entry.expireTime !== null && entry.expireTime <= now) {
      this.revoke(id);
      return undefined;
    }
    return entry;
  }

  lookupAccessor(accessor: string, now: number): TokenEntry | undefined {
    return this.lookup(this.accessors.get(accessor), now);
  }

  /** Revokes a token and, like Vault, every non-orphan token created from it. */
  revoke(id: string): void {
    const entry = this.tokens.get(id);
    if (!entry) return;
    this.tokens.delete(id);
    this.accessors.delete(entry.accessor);
    for (const child of Array.from(this.tokens.values())) {
      if (child.parent === id && !child.orphan) {
        this.revoke(child.id);
      }
    }
  }

  /** Revokes every token issued through a path prefix, as disabling an auth method does. */
  revokeByPathPrefix(prefix: string): void {
    for (const entry of Array.from(this.tokens.values())) {
      if (entry.path.startsWith(prefix)) this.revoke(entry.id);
    }
  }

  /** Drops every token except the given ones (used when the peer is reset to a blank state). */
  clear(keep: string[] = []): void {
    for (const id of Array.from(this.tokens.keys())) {
      if (!keep.includes(id)) this.revoke(id);
    }
  }

  /** Renews a token the way the expiration manager does, returning the new TTL and warnings. */
  renew(
    entry: TokenEntry,
    increment: number,
    now: number,
  ): { ttl: number; warnings: string[] } {
    if (entry.expireTime === null) {
      throw badRequest('lease not found or lease is not renewable');
    }
    if (!entry.renewable) {
      throw badRequest('lease is not renewable');
    }
    const bounds = entry.renewHook
      ? entry.renewHook()
      : { ttl: entry.creationTtl, maxTtl: entry.maxTtl, period: entry.period };
    // The expiration manager's RenewToken calculates with the system view of the mount that
    // issued the token (its path), i.e. that mount's tuned lease TTLs.
    const mount = this.engine.mountForPath(entry.path);
    const result = calculateTtl({
      increment,
      backendTtl: bounds.ttl,
      period: bounds.period,
      backendMaxTtl: bounds.maxTtl,
      explicitMaxTtl: entry.explicitMaxTtl,
      mountDefaultTtl: mount?.defaultLeaseTtl || SYSTEM_DEFAULT_TTL,
      mountMaxTtl: mount?.maxLeaseTtl || SYSTEM_MAX_TTL,
      startTime: entry.issueTime,
      now,
    });
    entry.expireTime = now + result.ttl * 1000;
    return result;
  }

  remainingTtl(entry: TokenEntry, now: number): number {
    return entry.expireTime === null
      ? 0
      : Math.max(0, Math.floor((entry.expireTime - now) / 1000));
  }

  /** The `auth` block Vault returns from logins, token creation and renewals. */
  authBlock(entry: TokenEntry, now: number): AuthBlock {
    const identityPolicies = this.engine.identity.policiesForEntity(
      entry.entityId,
    );
    const block: AuthBlock = {
      client_token: entry.id,
      accessor: entry.accessor,
      policies: Array.from(
        new Set([...entry.policies, ...identityPolicies]),
      ).sort(),
      token_policies: entry.policies,
      metadata: entry.meta,
      lease_duration: this.remainingTtl(entry, now),
      renewable: entry.renewable && entry.expireTime !== null,
      entity_id: entry.entityId,
      token_type: 'service',
      orphan: entry.orphan,
      mfa_requirement: null,
      num_uses: entry.numUses,
    };
    if (identityPolicies.length > 0) {
      block.identity_policies = identityPolicies;
    }
    return block;
  }

  /** The `data` of `auth/token/lookup*`. */
  lookupData(
    entry: TokenEntry,
    now: number,
    hideId = false,
  ): Record<string, unknown> {
    const identityPolicies = this.engine.identity.policiesForEntity(
      entry.entityId,
    );
    const data: Record<string, unknown> = {
      accessor: entry.accessor,
      creation_time: Math.floor(entry.issueTime / 1000),
      creation_ttl: entry.creationTtl,
      display_name: entry.displayName,
      entity_id: entry.entityId,
      expire_time: entry.expireTime === null ? null : isoTime(entry.expireTime),
      explicit_max_ttl: entry.explicitMaxTtl,
      id: hideId ? '' : entry.id,
      issue_time: isoTime(entry.issueTime),
      meta: entry.meta,
      num_uses: entry.numUses,
      orphan: entry.orphan,
      path: entry.path,
      policies: entry.policies,
      renewable: entry.renewable && entry.expireTime !== null,
      ttl: this.remainingTtl(entry, now),
      type: 'service',
    };
    if (entry.period > 0) data.period = entry.period;
    if (identityPolicies.length > 0) data.identity_policies = identityPolicies;
    return data;
  }

  /** `auth/token/create` and `create-orphan`. */
  private handleCreate(ctx: RequestContext, forceOrphan: boolean): VaultResult {
    const parent = ctx.token!;
    const body: Body = ctx.body;
    const parentIsRoot = parent.policies.includes('root');
    const noDefault = getBool(body, 'no_default_policy', false);
    let requested = has(body, 'policies')
      ? getList(body, 'policies')
      : undefined;
    if (requested === undefined) {
      requested = parent.policies.filter(p => p !== 'default' || !noDefault);
    }
    const policies = sanitizePolicies(requested, !noDefault);
    if (!parentIsRoot) {
      if (policies.includes('root')) {
        throw badRequest(
          'root tokens may not be created without parent token being root',
        );
      }
      const allowed = new Set(parent.policies);
      const extra = policies.filter(p => p !== 'default' && !allowed.has(p));
      if (extra.length > 0) {
        throw badRequest('child policies must be subset of parent');
      }
    }
    const orphan = forceOrphan || getBool(body, 'no_parent', false);
    if (orphan && !forceOrphan && !parentIsRoot) {
      throw badRequest(
        'root or sudo privileges required to create orphan token',
      );
    }
    const explicitMaxTtl = getDuration(body, 'explicit_max_ttl', 0);
    const period = getDuration(body, 'period', 0);
    let ttl = getDuration(body, 'ttl', getDuration(body, 'lease', 0));
    const warnings: string[] = [];
    if (period > 0) {
      ttl = period;
    } else if (ttl === 0 && !policies.includes('root')) {
      ttl = SYSTEM_DEFAULT_TTL;
    }
    const maxTtl =
      explicitMaxTtl > 0
        ? Math.min(explicitMaxTtl, SYSTEM_MAX_TTL)
        : SYSTEM_MAX_TTL;
    if (ttl > maxTtl && !(period > 0 && explicitMaxTtl === 0)) {
      warnings.push(
        `TTL of "${formatGoDuration(
          ttl,
        )}" exceeded the effective max_ttl of "${formatGoDuration(
          maxTtl,
        )}"; TTL value is capped accordingly`,
      );
      ttl = maxTtl;
    }
    const displayName = getString(body, 'display_name', '');
    const entry = this.create(
      {
        id: parentIsRoot && has(body, 'id') ? getString(body, 'id') : undefined,
        policies,
        meta: getKvPairs(body, 'meta') ?? null,
        displayName: displayName ? `token-${displayName}` : 'token',
        path: forceOrphan ? 'auth/token/create-orphan' : 'auth/token/create',
        parent: orphan ? '' : parent.id,
        ttl,
        maxTtl: 0,
        explicitMaxTtl,
        period,
        renewable: getBool(body, 'renewable', true),
        numUses: getInt(body, 'num_uses', 0),
        entityId: '',
        orphan,
      },
      ctx.now,
    );
    return { auth: this.authBlock(entry, ctx.now), warnings };
  }

  private tokenFromBody(ctx: RequestContext): TokenEntry {
    const id = getString(ctx.body, 'token', '');
    if (!id) {
      throw badRequest('missing token ID');
    }
    const entry = this.lookup(id, ctx.now);
    if (!entry) {
      throw new VaultHttpError(403, ['bad token']);
    }
    return entry;
  }

  private renewResult(entry: TokenEntry, ctx: RequestContext): VaultResult {
    const increment = getDuration(ctx.body, 'increment', 0);
    const { warnings } = this.renew(entry, increment, ctx.now);
    return { auth: this.authBlock(entry, ctx.now), warnings };
  }

  routes(): Route[] {
    return [
      { pattern: 'create', write: ctx => this.handleCreate(ctx, false) },
      { pattern: 'create-orphan', write: ctx => this.handleCreate(ctx, true) },
      {
        pattern: 'lookup-self',
        read: ctx => ({ data: this.lookupData(ctx.token!, ctx.now) }),
        write: ctx => ({ data: this.lookupData(ctx.token!, ctx.now) }),
      },
      {
        pattern: 'lookup',
        write: ctx => ({
          data: this.lookupData(this.tokenFromBody(ctx), ctx.now),
        }),
      },
      {
        pattern: 'lookup-accessor',
        write: ctx => {
          const entry = this.lookupAccessor(
            getString(ctx.body, 'accessor', ''),
            ctx.now,
          );
          if (!entry) throw badRequest('invalid accessor');
          return { data: this.lookupData(entry, ctx.now, true) };
        },
      },
      {
        pattern: 'renew-self',
        write: ctx => this.renewResult(ctx.token!, ctx),
      },
      {
        pattern: 'renew',
        write: ctx => this.renewResult(this.tokenFromBody(ctx), ctx),
      },
      {
        pattern: 'revoke-self',
        write: ctx => {
          this.revoke(ctx.token!.id);
          return null;
        },
      },
      {
        pattern: 'revoke',
        write: ctx => {
          const id = getString(ctx.body, 'token', '');
          if (!id) throw badRequest('missing token ID');
          this.revoke(id);
          return null;
        },
      },
      {
        pattern: 'revoke-accessor',
        write: ctx => {
          const entry = this.lookupAccessor(
            getString(ctx.body, 'accessor', ''),
            ctx.now,
          );
          if (!entry) throw badRequest('invalid accessor');
          this.revoke(entry.id);
          return null;
        },
      },
      {
        pattern: 'accessors',
        sudo: true,
        list: () => {
          const keys = Array.from(this.accessors.keys());
          return keys.length ? { data: { keys } } : null;
        },
      },
    ];
  }
}
