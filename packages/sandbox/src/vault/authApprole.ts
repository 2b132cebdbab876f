import {
  applyTokenParams,
  defaultTokenParams,
  issueLoginToken,
  TokenParams,
  tokenParamsView,
} from './authCommon';
import { badRequest } from './errors';
import {
  getBool,
  getDuration,
  getInt,
  getList,
  getString,
  has,
} from './fields';
import { isoTime, newUuid } from './ids';
import { listResult } from './types';
import type {
  Backend,
  MountEntry,
  RequestContext,
  Route,
  VaultResult,
} from './types';
import type { VaultEngine } from './engine';

interface ApproleRole {
  name: string;
  roleId: string;
  bindSecretId: boolean;
  secretIdNumUses: number;
  secretIdTtl: number;
  secretIdBoundCidrs: string[];
  localSecretIds: boolean;
  token: TokenParams;
}

interface SecretId {
  secretId: string;
  accessor: string;
  roleName: string;
  creationTime: number;
  expirationTime: number | null;
  numUses: number;
  metadata: Record<string, string>;
  cidrList: string[];
}

/** The AppRole auth method: roles, role IDs, secret IDs (with TTL and use limits) and login. */
export function createApproleBackend(
  engine: VaultEngine,
  mountRef: () => MountEntry,
): Backend {
  const roles = new Map<string, ApproleRole>();
  const secrets = new Map<string, SecretId>();

  const roleByName = (name: string) => roles.get(name.toLowerCase());

  const requireRole = (name: string): ApproleRole => {
    const role = roleByName(name);
    if (!role) throw badRequest(`role ${JSON.stringify(name)} does not exist`);
    return role;
  };

  const liveSecret = (
    secret: SecretId | undefined,
    now: number,
  ): SecretId | undefined => {
    if (!secret) return undefined;
    if (secret.expirationTime !== null && secret.expirationTime <= now) {
      secrets.delete(secret.secretId);
      return undefined;
    }
    return secret;
  };

  const secretView = (secret: SecretId): Record<string, unknown> => ({
    cidr_list: secret.cidrList,
    creation_time: isoTime(secret.creationTime),
    expiration_time:
      secret.expirationTime === null
        ? '0001-01-01T00:00:00Z'
        : isoTime(secret.expirationTime),
    last_updated_time: isoTime(secret.creationTime),
    metadata: secret.metadata,
    secret_id_accessor: secret.accessor,
    secret_id_num_uses: secret.numUses,
    secret_id_ttl:
      secret.expirationTime === null
        ? 0
        : Math.round((secret.expirationTime - secret.creationTime) / 1000),
    token_bound_cidrs: [],
  });

  const createSecret = (ctx: RequestContext, custom?: string): VaultResult => {
    const role = requireRole(ctx.params.name);
    if (!role.bindSecretId) {
      throw badRequest('bind_secret_id is not set on the role');
    }
    const body = ctx.body;
    let metadata: Record<string, string> = {};
    const rawMetadata = getString(body, 'metadata', '');
    if (rawMetadata) {
      try {
        metadata = JSON.parse(rawMetadata);
      } catch {
        throw badRequest('failed to parse metadata: invalid JSON');
      }
    }
    const ttl = has(body, 'ttl')
      ? getDuration(body, 'ttl', 0)
      : role.secretIdTtl;
    const numUses = has(body, 'num_uses')
      ? getInt(body, 'num_uses', 0)
      : role.secretIdNumUses;
    const secret: SecretId = {
      secretId: custom ?? newUuid(),
      accessor: newUuid(),
      roleName: role.name,
      creationTime: ctx.now,
      expirationTime: ttl > 0 ? ctx.now + ttl * 1000 : null,
      numUses,
      metadata,
      cidrList: getList(body, 'cidr_list'),
    };
    if (secrets.has(secret.secretId))
      throw badRequest('SecretID is already registered');
    secrets.set(secret.secretId, secret);
    return {
      data: {
        secret_id: secret.secretId,
        secret_id_accessor: secret.accessor,
        secret_id_ttl: ttl,
        secret_id_num_uses: numUses,
      },
    };
  };

  const login = (ctx: RequestContext): VaultResult => {
    const roleId = getString(ctx.body, 'role_id', '');
    if (!roleId) throw badRequest('missing role_id');
    const role = Array.from(roles.values()).find(r => r.roleId === roleId);
    if (!role) throw badRequest('invalid role or secret ID');
    if (role.bindSecretId) {
      const secretIdValue = getString(ctx.body, 'secret_id', '');
      if (!secretIdValue) throw badRequest('missing secret_id');
      const secret = liveSecret(secrets.get(secretIdValue), ctx.now);
      if (!secret || secret.roleName !== role.name)
        throw badRequest('invalid role or secret ID');
      if (secret.numUses > 0) {
        secret.numUses -= 1;
        if (secret.numUses === 0) secrets.delete(secret.secretId);
      }
    }
    engine.logger.info(
      `approle auth at auth/${mountRef().path}: login with role ${role.name}`,
    );
    return issueLoginToken(engine, ctx, {
      mount: mountRef(),
      params: role.token,
      metadata: { role_name: role.name },
      displayName: '',
      aliasName: role.roleId,
      aliasMetadata: { role_name: role.name },
      currentParams: () => roles.get(role.name)?.token,
      roleName: role.name,
    });
  };

  const writeRole = (ctx: RequestContext): null => {
    const name = ctx.params.name.toLowerCase();
    const body = ctx.body;
    const existing = roles.get(name);
    const role: ApproleRole = existing
      ? { ...existing, token: { ...existing.token } }
      : {
          name,
          roleId: newUuid(),
          bindSecretId: true,
          secretIdNumUses: 0,
          secretIdTtl: 0,
          secretIdBoundCidrs: [],
          localSecretIds: false,
          token: defaultTokenParams(),
        };
    if (has(body, 'role_id')) role.roleId = getString(body, 'role_id');
    if (has(body, 'bind_secret_id'))
      role.bindSecretId = getBool(body, 'bind_secret_id', true);
    if (has(body, 'secret_id_num_uses'))
      role.secretIdNumUses = getInt(body, 'secret_id_num_uses', 0);
    if (has(body, 'secret_id_ttl'))
      role.secretIdTtl = getDuration(body, 'secret_id_ttl', 0);
    if (has(body, 'secret_id_bound_cidrs') || has(body, 'bound_cidr_list')) {
      role.secretIdBoundCidrs = getList(
        body,
        has(body, 'secret_id_bound_cidrs')
          ? 'secret_id_bound_cidrs'
          : 'bound_cidr_list',
      );
    }
    if (has(body, 'local_secret_ids') && !existing)
      role.localSecretIds = getBool(body, 'local_secret_ids', false);
    role.token = applyTokenParams(body, role.token);
    if (
      !role.bindSecretId &&
      role.secretIdBoundCidrs.length === 0 &&
      role.token.tokenBoundCidrs.length === 0
    ) {
      throw badRequest('at least one constraint should be enabled on the role');
    }
    if (
      Array.from(roles.values()).some(
        r => r.roleId === role.roleId && r.name !== name,
      )
    ) {
      throw badRequest('role_id already in use');
    }
    roles.set(name, role);
    return null;
  };

  const routes: Route[] = [
    {
      pattern: 'role',
      list: () => listResult(Array.from(roles.keys()).sort()),
    },
    {
      pattern: 'role/:name',
      exists: ctx => roles.has(ctx.params.name.toLowerCase()),
      read: ctx => {
        const role = roleByName(ctx.params.name);
        if (!role) return null;
        return {
          data: {
            bind_secret_id: role.bindSecretId,
            local_secret_ids: role.localSecretIds,
            secret_id_bound_cidrs: role.secretIdBoundCidrs,
            secret_id_num_uses: role.secretIdNumUses,
            secret_id_ttl: role.secretIdTtl,
            ...tokenParamsView(role.token),
          },
        };
      },
      write: writeRole,
      delete: ctx => {
        const role = roleByName(ctx.params.name);
        if (role) {
          roles.delete(role.name);
          for (const secret of Array.from(secrets.values())) {
            if (secret.roleName === role.name) secrets.delete(secret.secretId);
          }
        }
        return null;
      },
    },
    {
      pattern: 'role/:name/role-id',
      read: ctx => {
        const role = roleByName(ctx.params.name);
        return role ? { data: { role_id: role.roleId } } : null;
      },
      write: ctx => {
        const role = requireRole(ctx.params.name);
        const roleId = getString(ctx.body, 'role_id', '');
        if (!roleId) throw badRequest('missing role_id');
        role.roleId = roleId;
        return null;
      },
    },
    {
      pattern: 'role/:name/secret-id',
      write: ctx => createSecret(ctx),
      list: ctx => {
        const role = requireRole(ctx.params.name);
        return listResult(
          Array.from(secrets.values())
            .filter(s => s.roleName === role.name && liveSecret(s, ctx.now))
            .map(s => s.accessor),
        );
      },
    },
    {
      pattern: 'role/:name/custom-secret-id',
      write: ctx => {
        const custom = getString(ctx.body, 'secret_id', '');
        if (!custom) throw badRequest('missing secret_id');
        return createSecret(ctx, custom);
      },
    },
    {
      pattern: 'role/:name/secret-id/lookup',
      write: ctx => {
        const role = requireRole(ctx.params.name);
        const secret = liveSecret(
          secrets.get(getString(ctx.body, 'secret_id', '')),
          ctx.now,
        );
        return secret && secret.roleName === role.name
          ? { data: secretView(secret) }
          : null;
      },
    },
    {
      pattern: 'role/:name/secret-id/destroy',
      write: ctx => {
        const role = requireRole(ctx.params.name);
        const secret = secrets.get(getString(ctx.body, 'secret_id', ''));
        if (secret && secret.roleName === role.name)
          secrets.delete(secret.secretId);
        return null;
      },
    },
    {
      pattern: 'role/:name/secret-id-accessor/lookup',
      write: ctx => {
        const role = requireRole(ctx.params.name);
        const accessor = getString(ctx.body, 'secret_id_accessor', '');
        const secret = Array.from(secrets.values()).find(
          s => s.accessor === accessor && s.roleName === role.name,
        );
        if (!secret)
          throw badRequest(
            `failed to find accessor entry for secret_id_accessor: ${JSON.stringify(
              accessor,
            )}`,
          );
        return { data: secretView(secret) };
      },
    },
    {
      pattern: 'role/:name/secret-id-accessor/destroy',
      write: ctx => {
        const role = requireRole(ctx.params.name);
        const accessor = getString(ctx.body, 'secret_id_accessor', '');
        const secret = Array.from(secrets.values()).find(
          s => s.accessor === accessor && s.roleName === role.name,
        );
        if (!secret)
          throw badRequest(
            `failed to find accessor entry for secret_id_accessor: ${JSON.stringify(
              accessor,
            )}`,
          );
        secrets.delete(secret.secretId);
        return null;
      },
    },
    { pattern: 'login', unauthenticated: true, write: login },
  ];
  return { routes };
}
