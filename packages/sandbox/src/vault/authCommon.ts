import { badRequest, internalError } from './errors';
import {
  Body,
  getDuration,
  getInt,
  getList,
  getString,
  getBool,
  has,
} from './fields';
import { calculateTtl, sanitizePolicies } from './tokens';
import type { MountEntry, RequestContext, VaultResult } from './types';
import type { VaultEngine } from './engine';

/** The `token_*` parameters every auth method role carries (Vault's `tokenutil.TokenParams`). */
export interface TokenParams {
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenPolicies: string[];
  tokenNoDefaultPolicy: boolean;
  tokenNumUses: number;
  tokenPeriod: number;
  tokenExplicitMaxTtl: number;
  tokenType: string;
  tokenBoundCidrs: string[];
}

export function defaultTokenParams(): TokenParams {
  return {
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenPolicies: [],
    tokenNoDefaultPolicy: false,
    tokenNumUses: 0,
    tokenPeriod: 0,
    tokenExplicitMaxTtl: 0,
    tokenType: 'default-service',
    tokenBoundCidrs: [],
  };
}

/**
 * Applies the `token_*` fields (and their deprecated spellings `policies`, `ttl`, `max_ttl`,
 * `period`, `num_uses`, `bound_cidrs`, which Vault still honours when the new name is absent).
 */
export function applyTokenParams(body: Body, params: TokenParams): TokenParams {
  const pick = (modern: string, legacy: string): string | undefined => {
    if (has(body, modern)) return modern;
    return has(body, legacy) ? legacy : undefined;
  };
  const next = { ...params };
  const policiesKey = pick('token_policies', 'policies');
  if (policiesKey)
    next.tokenPolicies = getList(body, policiesKey).map(p => p.toLowerCase());
  const ttlKey = pick('token_ttl', 'ttl');
  if (ttlKey) next.tokenTtl = getDuration(body, ttlKey, 0);
  const maxKey = pick('token_max_ttl', 'max_ttl');
  if (maxKey) next.tokenMaxTtl = getDuration(body, maxKey, 0);
  const periodKey = pick('token_period', 'period');
  if (periodKey) next.tokenPeriod = getDuration(body, periodKey, 0);
  const usesKey = pick('token_num_uses', 'num_uses');
  if (usesKey) next.tokenNumUses = getInt(body, usesKey, 0);
  const cidrKey = pick('token_bound_cidrs', 'bound_cidrs');
  if (cidrKey) next.tokenBoundCidrs = getList(body, cidrKey);
  if (has(body, 'token_explicit_max_ttl'))
    next.tokenExplicitMaxTtl = getDuration(body, 'token_explicit_max_ttl', 0);
  if (has(body, 'token_no_default_policy'))
    next.tokenNoDefaultPolicy = getBool(body, 'token_no_default_policy', false);
  if (has(body, 'token_type')) {
    const type = getString(body, 'token_type');
    if (
      ![
        'default',
        'default-service',
        'default-batch',
        'service',
        'batch',
      ].includes(type)
    ) {
      throw badRequest(`invalid 'token_type' value ${JSON.stringify(type)}`);
    }
    next.tokenType = type;
  }
  if (next.tokenMaxTtl > 0 && next.tokenTtl > next.tokenMaxTtl) {
    throw badRequest(
      '"token_ttl" value must be less than "token_max_ttl" value',
    );
  }
  return next;
}

/** Role read view of the token parameters, including the deprecated duplicates Vault returns. */
export function tokenParamsView(params: TokenParams): Record<string, unknown> {
  return {
    token_ttl: params.tokenTtl,
    token_max_ttl: params.tokenMaxTtl,
    token_policies: params.tokenPolicies,
    token_no_default_policy: params.tokenNoDefaultPolicy,
    token_num_uses: params.tokenNumUses,
    token_period: params.tokenPeriod,
    token_explicit_max_ttl: params.tokenExplicitMaxTtl,
    token_type: params.tokenType,
    token_bound_cidrs: params.tokenBoundCidrs,
    policies: params.tokenPolicies,
    ttl: params.tokenTtl,
    max_ttl: params.tokenMaxTtl,
    period: params.tokenPeriod,
    num_uses: params.tokenNumUses,
  };
}

export interface LoginInput {
  mount: MountEntry;
  params: TokenParams;
  metadata: Record<string, string>;
  /** Backend display name; Vault prefixes it with the mount path. */
  displayName: string;
  aliasName: string;
  aliasMetadata: Record<string, string>;
  /** Re-reads the role on renewal; returns undefined when the role is gone. */
  currentParams: () => TokenParams | undefined;
  roleName: string;
}

/**
 * Issues the token for a successful login: resolves (or creates) the identity entity for the
 * alias, applies the role's TTL rules against the mount's limits, and builds the `auth` block.
 */
export function issueLoginToken(
  engine: VaultEngine,
  ctx: RequestContext,
  input: LoginInput,
): VaultResult {
  const { mount, params } = input;
  const entityId = engine.identity.entityForLogin(
    mount.accessor,
    input.aliasName,
    input.aliasMetadata,
    ctx.now,
  );
  if (engine.identity.isEntityDisabled(entityId)) {
    throw badRequest('entity is disabled');
  }
  const { ttl, warnings } = calculateTtl({
    increment: 0,
    backendTtl: params.tokenTtl,
    period: params.tokenPeriod,
    backendMaxTtl: params.tokenMaxTtl,
    explicitMaxTtl: params.tokenExplicitMaxTtl,
    mountDefaultTtl: mount.defaultLeaseTtl,
    mountMaxTtl: mount.maxLeaseTtl,
    startTime: ctx.now,
    now: ctx.now,
  });
  const prefix = mount.path.replace(/\/$/, '').replace(/\//g, '-');
  const entry = engine.tokens.create(
    {
      policies: sanitizePolicies(
        params.tokenPolicies,
        !params.tokenNoDefaultPolicy,
      ),
      meta: input.metadata,
      displayName: input.displayName
        ? `${prefix}-${input.displayName}`
        : prefix,
      path: `auth/${mount.path}login`,
      parent: '',
      ttl,
      maxTtl: params.tokenMaxTtl,
      explicitMaxTtl: params.tokenExplicitMaxTtl,
      period: params.tokenPeriod,
      renewable: true,
      numUses: params.tokenNumUses,
      entityId,
      orphan: true,
      renewHook: () => {
        const current = input.currentParams();
        if (!current) {
          throw internalError(
            `role ${input.roleName} does not exist during renewal`,
          );
        }
        const mountMax = mount.maxLeaseTtl;
        const maxTtl =
          current.tokenMaxTtl > 0 &&
          (mountMax === 0 || current.tokenMaxTtl < mountMax)
            ? current.tokenMaxTtl
            : mountMax;
        return {
          ttl: current.tokenTtl || mount.defaultLeaseTtl,
          maxTtl,
          period: current.tokenPeriod,
        };
      },
    },
    ctx.now,
  );
  return { auth: engine.tokens.authBlock(entry, ctx.now), warnings };
}
