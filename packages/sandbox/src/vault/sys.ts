import { badRequest } from './errors';
import { Body, getBool, getDuration, getString, has } from './fields';
import { parsePolicy } from './policy';
import { SYSTEM_DEFAULT_TTL, SYSTEM_MAX_TTL } from './tokens';
import type {
  Backend,
  MountEntry,
  RequestContext,
  Route,
  VaultResult,
} from './types';
import type { VaultEngine } from './engine';

/** The Vault version the peer imitates (the OpenAPI contract is Vault 1.15's). */
export const VAULT_VERSION = '1.15.6';
const BUILD_DATE = '2024-02-28T17:07:34Z';
const BUILTIN_VERSION = `v${VAULT_VERSION}+builtin.vault`;

/** Paths that keep answering while the peer is sealed, as in Vault. */
export const SEAL_EXEMPT_PATHS = [
  'sys/health',
  'sys/seal-status',
  'sys/unseal',
  'sys/init',
  'sys/leader',
];

function mountConfig(body: Body): {
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
} {
  const config = (body.config ?? {}) as Body;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw badRequest('"config" must be an object');
  }
  const defaultLeaseTtl = getDuration(config, 'default_lease_ttl', 0);
  const maxLeaseTtl = getDuration(config, 'max_lease_ttl', 0);
  if (maxLeaseTtl > 0 && defaultLeaseTtl > maxLeaseTtl) {
    throw badRequest(
      'given default lease TTL greater than given max lease TTL',
    );
  }
  return { defaultLeaseTtl, maxLeaseTtl };
}

function mountView(mount: MountEntry, auth: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {
    default_lease_ttl: mount.defaultLeaseTtl,
    force_no_cache: false,
    max_lease_ttl: mount.maxLeaseTtl,
  };
  if (auth) config.token_type = 'default-service';
  return {
    accessor: mount.accessor,
    config,
    deprecation_status: 'supported',
    description: mount.description,
    external_entropy_access: false,
    local: mount.local,
    options: mount.options,
    plugin_version: '',
    running_plugin_version: BUILTIN_VERSION,
    running_sha256: '',
    seal_wrap: mount.sealWrap,
    type: mount.type,
    uuid: mount.uuid,
  };
}

function tuneView(mount: MountEntry): Record<string, unknown> {
  return {
    default_lease_ttl: mount.defaultLeaseTtl || SYSTEM_DEFAULT_TTL,
    max_lease_ttl: mount.maxLeaseTtl || SYSTEM_MAX_TTL,
    description: mount.description,
    force_no_cache: false,
    options: mount.options,
  };
}

/** The `sys/` backend: health, seal state, mounts, auth methods, policies, capabilities. */
export class SystemBackend implements Backend {
  readonly routes: Route[];

  constructor(private readonly engine: VaultEngine) {
    this.routes = this.buildRoutes();
  }

  private health(ctx: RequestContext): VaultResult {
    const sealed = this.engine.sealed;
    const code = (name: string, fallback: number) => {
      const value = ctx.query.get(name);
      return value && /^\d+$/.test(value) ? parseInt(value, 10) : fallback;
    };
    const body: Record<string, unknown> = {
      initialized: true,
      sealed,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(ctx.now / 1000),
      version: VAULT_VERSION,
      enterprise: false,
      echo_duration_ms: 0,
      clock_skew_ms: 0,
    };
    if (!sealed) {
      body.cluster_name = this.engine.clusterName;
      body.cluster_id = this.engine.clusterId;
    }
    return {
      json: {
        status: sealed ? code('sealedcode', 503) : code('activecode', 200),
        body,
      },
    };
  }

  private sealStatus(): Record<string, unknown> {
    const sealed = this.engine.sealed;
    const body: Record<string, unknown> = {
      type: 'shamir',
      initialized: true,
      sealed,
      t: 1,
      n: 1,
      progress: 0,
      nonce: '',
      version: VAULT_VERSION,
      build_date: BUILD_DATE,
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    };
    if (!sealed) {
      body.cluster_name = this.engine.clusterName;
      body.cluster_id = this.engine.clusterId;
    }
    return body;
  }

  private findMount(
    table: Map<string, MountEntry>,
    path: string,
  ): MountEntry | undefined {
    return table.get(`${path.replace(/^\/+|\/+$/g, '')}/`);
  }

  private writePolicy(name: string, text: string): null {
    const policyName = name.toLowerCase();
    if (policyName === 'root') {
      throw badRequest('cannot update "root" policy');
    }
    if (!text.trim()) {
      throw badRequest("'policy' parameter not supplied or empty");
    }
    let rules;
    try {
      rules = parsePolicy(text);
    } catch (e) {
      throw badRequest(`failed to parse policy: ${(e as Error).message}`);
    }
    this.engine.policies.set(policyName, { text, rules });
    return null;
  }

  private deletePolicy(name: string): null {
    const policyName = name.toLowerCase();
    if (policyName === 'root' || policyName === 'default') {
      throw badRequest(`cannot delete "${policyName}" policy`);
    }
    this.engine.policies.delete(policyName);
    return null;
  }

  private policyNames(): string[] {
    return [...Array.from(this.engine.policies.keys()), 'root'].sort();
  }

  private capabilities(ctx: RequestContext, token = ctx.token!): VaultResult {
    const body = ctx.body;
    const paths = has(body, 'paths')
      ? (Array.isArray(body.paths)
          ? body.paths
          : String(body.paths).split(',')
        ).map(String)
      : [getString(body, 'path', '')];
    const acl = this.engine.aclFor(token);
    const data: Record<string, unknown> = {};
    for (const path of paths) {
      let caps: string[];
      if (acl.root) {
        caps = ['root'];
      } else {
        const found = acl.capabilitiesFor(path.replace(/^\/+/, ''));
        caps = found && found.size > 0 ? Array.from(found).sort() : ['deny'];
      }
      data[path] = caps;
      if (data.capabilities === undefined) data.capabilities = caps;
    }
    return { data };
  }

  private buildRoutes(): Route[] {
    const engine = this.engine;
    return [
      {
        pattern: 'health',
        unauthenticated: true,
        read: ctx => this.health(ctx),
      },
      {
        pattern: 'seal-status',
        unauthenticated: true,
        read: () => ({ json: { status: 200, body: this.sealStatus() } }),
      },
      {
        pattern: 'init',
        unauthenticated: true,
        read: () => ({ json: { status: 200, body: { initialized: true } } }),
      },
      {
        pattern: 'leader',
        unauthenticated: true,
        read: () => ({
          json: {
            status: 200,
            body: {
              ha_enabled: false,
              is_self: false,
              active_time: '0001-01-01T00:00:00Z',
              leader_address: '',
              leader_cluster_address: '',
              performance_standby: false,
              performance_standby_last_remote_wal: 0,
            },
          },
        }),
      },
      {
        pattern: 'seal',
        sudo: true,
        write: () => {
          engine.sealed = true;
          return null;
        },
      },
      {
        pattern: 'unseal',
        unauthenticated: true,
        write: ctx => {
          if (getBool(ctx.body, 'reset', false)) {
            return { json: { status: 200, body: this.sealStatus() } };
          }
          const key = getString(ctx.body, 'key', '');
          if (!key)
            throw badRequest(
              "'key' must be specified in request body as JSON, or 'reset' set to true",
            );
          if (key !== engine.unsealKey) {
            throw badRequest('Error unsealing: crypto/aes: invalid key size');
          }
          engine.sealed = false;
          return { json: { status: 200, body: this.sealStatus() } };
        },
      },
      ...this.mountTableRoutes('mounts'),
      ...this.mountTableRoutes('auth'),
      {
        pattern: 'policy',
        read: () => {
          const names = this.policyNames();
          return { data: { keys: names, policies: names }, topLevel: true };
        },
      },
      {
        pattern: 'policy/:name',
        read: ctx => {
          const policy = engine.policies.get(ctx.params.name.toLowerCase());
          return policy
            ? {
                data: {
                  name: ctx.params.name.toLowerCase(),
                  rules: policy.text,
                },
                topLevel: true,
              }
            : null;
        },
        write: ctx =>
          this.writePolicy(
            ctx.params.name,
            getString(ctx.body, 'policy', getString(ctx.body, 'rules', '')),
          ),
        delete: ctx => this.deletePolicy(ctx.params.name),
      },
      {
        pattern: 'policies/acl',
        list: () => ({
          data: { keys: this.policyNames(), policies: this.policyNames() },
        }),
      },
      {
        pattern: 'policies/acl/:name',
        read: ctx => {
          const policy = engine.policies.get(ctx.params.name.toLowerCase());
          return policy
            ? {
                data: {
                  name: ctx.params.name.toLowerCase(),
                  policy: policy.text,
                },
              }
            : null;
        },
        write: ctx =>
          this.writePolicy(ctx.params.name, getString(ctx.body, 'policy', '')),
        delete: ctx => this.deletePolicy(ctx.params.name),
      },
      { pattern: 'capabilities-self', write: ctx => this.capabilities(ctx) },
      {
        pattern: 'capabilities',
        write: ctx => {
          const target = engine.tokens.lookup(
            getString(ctx.body, 'token', ''),
            ctx.now,
          );
          if (!target) throw badRequest('invalid token');
          return this.capabilities(ctx, target);
        },
      },
    ];
  }

  /**
   * `sys/mounts` and `sys/auth`: the same list, tune, enable, read and disable routes over the
   * two mount tables; `sys/auth/*` is root-protected (sudo) and names its paths `auth/...`.
   */
  private mountTableRoutes(kind: 'mounts' | 'auth'): Route[] {
    const engine = this.engine;
    const auth = kind === 'auth';
    const table = auth ? engine.authMounts : engine.mounts;
    const shown = (path: string) => (auth ? `auth/${path}` : path);
    const find = (ctx: RequestContext) =>
      this.findMount(table, ctx.params.path);
    return [
      {
        pattern: kind,
        read: () => {
          const data: Record<string, unknown> = {};
          for (const mount of table.values())
            data[mount.path] = mountView(mount, auth);
          return { data, topLevel: true };
        },
      },
      {
        pattern: `${kind}/:path*/tune`,
        sudo: auth,
        read: ctx => {
          const mount = find(ctx);
          if (!mount)
            throw badRequest(
              `cannot fetch sysview for path "${shown(ctx.params.path)}"`,
            );
          return { data: tuneView(mount), topLevel: true };
        },
        write: ctx => {
          const mount = find(ctx);
          if (!mount)
            throw badRequest(`cannot tune '${shown(ctx.params.path)}'`);
          this.tune(mount, ctx.body);
          return null;
        },
      },
      {
        pattern: `${kind}/:path*`,
        sudo: auth,
        read: ctx => {
          const mount = find(ctx);
          return mount
            ? { data: mountView(mount, auth), topLevel: true }
            : null;
        },
        write: ctx => {
          const type = getString(ctx.body, 'type', '');
          if (!type)
            throw badRequest('backend type must be specified as a string');
          const description = getString(ctx.body, 'description', '');
          const config = mountConfig(ctx.body);
          if (auth) {
            engine.enableAuthMethod(ctx.params.path, type, description, config);
          } else {
            engine.mountSecretsEngine(
              ctx.params.path,
              type,
              description,
              config,
            );
          }
          return null;
        },
        delete: ctx => {
          const mount = find(ctx);
          if (mount) this.disable(mount, auth);
          return null;
        },
      },
    ];
  }

  /** Unmounts a secrets engine or disables an auth method (revoking its tokens), as Vault allows. */
  private disable(mount: MountEntry, auth: boolean): void {
    if (!auth) {
      if (['sys', 'identity', 'cubbyhole'].includes(mount.type)) {
        throw badRequest(`cannot unmount '${mount.path}'`);
      }
      this.engine.mounts.delete(mount.path);
      return;
    }
    if (mount.type === 'token')
      throw badRequest('token credential backend cannot be disabled');
    this.engine.authMounts.delete(mount.path);
    this.engine.tokens.revokeByPathPrefix(`auth/${mount.path}`);
  }

  private tune(mount: MountEntry, body: Body) {
    const defaultLeaseTtl = has(body, 'default_lease_ttl')
      ? getDuration(body, 'default_lease_ttl', 0)
      : mount.defaultLeaseTtl;
    const maxLeaseTtl = has(body, 'max_lease_ttl')
      ? getDuration(body, 'max_lease_ttl', 0)
      : mount.maxLeaseTtl;
    if (maxLeaseTtl > 0 && defaultLeaseTtl > maxLeaseTtl) {
      throw badRequest(
        'backend max lease TTL cannot be less than default lease TTL',
      );
    }
    mount.defaultLeaseTtl = defaultLeaseTtl;
    mount.maxLeaseTtl = maxLeaseTtl;
    if (has(body, 'description'))
      mount.description = getString(body, 'description');
  }
}
