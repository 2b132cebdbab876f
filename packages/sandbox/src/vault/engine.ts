import { randomBytes } from 'node:crypto';
import {
  badRequest,
  permissionDenied,
  unsupportedOperation,
  unsupportedPath,
  VaultHttpError,
} from './errors';
import { Body } from './fields';
import { IdentityStore } from './identity';
import { newMountAccessor, newUuid } from './ids';
import { Acl, DEFAULT_POLICY, parsePolicy, PolicyRule } from './policy';
import { TokenStore } from './tokens';
import type {
  Backend,
  MountEntry,
  Operation,
  PeerLogger,
  RequestContext,
  Route,
  TokenEntry,
  VaultResult,
} from './types';
import { SystemBackend } from './sys';
import { createPkiBackend } from './pki';
import { createKubernetesAuthBackend } from './authKubernetes';
import { createApproleBackend } from './authApprole';

/** A request after HTTP decoding, before Vault semantics are applied. */
export interface EngineRequest {
  method: string;
  /** Path after `/v1/`, as sent (may end with a slash). */
  path: string;
  query: URLSearchParams;
  body: Body;
  token?: string;
  remoteAddress?: string;
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map(route => {
    const names: string[] = [];
    const source = route.pattern
      .split('/')
      .map(segment => {
        if (segment.startsWith(':')) {
          if (segment.endsWith('*')) {
            names.push(segment.slice(1, -1));
            return '(.+)';
          }
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { route, regex: new RegExp(`^${source}$`), names };
  });
}

/**
 * The mount path with one trailing slash, refused when it nests in or around a mounted path
 * (`shownPrefix` is how Vault names the table in its message).
 */
function freeMountPath(
  table: Map<string, MountEntry>,
  path: string,
  shownPrefix: string,
): string {
  const normalized = `${path.replace(/^\/+|\/+$/g, '')}/`;
  const conflict = Array.from(table.keys()).find(
    p => normalized.startsWith(p) || p.startsWith(normalized),
  );
  if (conflict) {
    throw badRequest(`path is already in use at ${shownPrefix}${conflict}`);
  }
  return normalized;
}

export interface EngineOptions {
  rootToken: string;
  logger: PeerLogger;
  clusterName: string;
}

/**
 * The Vault core of the peer: mount tables, policies, the token store and identity, plus the
 * request pipeline (route lookup, token check, ACL check, handler). HTTP concerns and fault
 * injection live in `server.ts`.
 */
export class VaultEngine {
  readonly tokens: TokenStore;
  readonly identity: IdentityStore;
  readonly logger: PeerLogger;
  readonly rootToken: string;
  readonly clusterName: string;
  readonly clusterId = newUuid();
  /** The single unseal key of this dev-mode-like server (Vault's `-dev` prints one too). */
  readonly unsealKey = randomBytes(32).toString('base64');
  sealed = false;

  /** Secrets engine mounts by path (`sys/`, `identity/`, `pki/`, ...). */
  readonly mounts = new Map<string, MountEntry>();
  /** Auth method mounts by path (`token/`, `kubernetes/`, ...). */
  readonly authMounts = new Map<string, MountEntry>();
  /** ACL policies by name, keeping the original text for reads. */
  readonly policies = new Map<string, { text: string; rules: PolicyRule[] }>();

  private readonly compiled = new WeakMap<Backend, CompiledRoute[]>();

  constructor(options: EngineOptions) {
    this.logger = options.logger;
    this.rootToken = options.rootToken;
    this.clusterName = options.clusterName;
    this.tokens = new TokenStore(this);
    this.identity = new IdentityStore(this);
    this.initialize();
  }

  /** Builds the state of a freshly started `vault server -dev` (minus the kv `secret/` mount). */
  private initialize() {
    this.mounts.clear();
    this.authMounts.clear();
    this.policies.clear();
    this.identity.clear();
    this.policies.set('default', {
      text: DEFAULT_POLICY,
      rules: parsePolicy(DEFAULT_POLICY),
    });
    this.addMount(
      this.mounts,
      'sys/',
      'system',
      'system endpoints used for control, policy and debugging',
      new SystemBackend(this),
    );
    this.addMount(this.mounts, 'identity/', 'identity', 'identity store', {
      routes: this.identity.routes(),
    });
    this.addMount(
      this.mounts,
      'cubbyhole/',
      'cubbyhole',
      'per-token private secret storage',
      { routes: [] },
    );
    this.addMount(
      this.authMounts,
      'token/',
      'token',
      'token based credentials',
      { routes: this.tokens.routes() },
    );
    if (!this.tokens.lookup(this.rootToken, Date.now())) {
      this.tokens.create(
        {
          id: this.rootToken,
          policies: ['root'],
          meta: null,
          displayName: 'root',
          path: 'auth/token/root',
          parent: '',
          ttl: 0,
          maxTtl: 0,
          explicitMaxTtl: 0,
          period: 0,
          renewable: false,
          numUses: 0,
          entityId: '',
          orphan: true,
        },
        Date.now(),
      );
    }
  }

  /** Forgets every mount, policy, token (except the root token) and identity object. */
  wipe(): void {
    this.tokens.clear([this.rootToken]);
    this.initialize();
  }

  private addMount(
    table: Map<string, MountEntry>,
    path: string,
    type: string,
    description: string,
    backend: Backend,
    config: { defaultLeaseTtl?: number; maxLeaseTtl?: number } = {},
  ): MountEntry {
    const entry: MountEntry = {
      path,
      type,
      accessor: newMountAccessor(
        table === this.authMounts ? `auth_${type}` : type,
      ),
      uuid: newUuid(),
      description,
      defaultLeaseTtl: config.defaultLeaseTtl ?? 0,
      maxLeaseTtl: config.maxLeaseTtl ?? 0,
      local: false,
      sealWrap: false,
      options: null,
      backend,
    };
    table.set(path, entry);
    return entry;
  }

  /** `sys/mounts/:path` POST. */
  mountSecretsEngine(
    path: string,
    type: string,
    description: string,
    config: { defaultLeaseTtl: number; maxLeaseTtl: number },
  ): void {
    const normalized = freeMountPath(this.mounts, path, '');
    if (
      ['sys/', 'identity/', 'cubbyhole/', 'auth/'].some(reserved =>
        normalized.startsWith(reserved),
      )
    ) {
      throw badRequest(
        `cannot mount '${normalized}' of type '${type}' as it is reserved`,
      );
    }
    let backend: Backend;
    if (type === 'pki') {
      backend = createPkiBackend(this, () => this.mounts.get(normalized)!);
    } else {
      throw badRequest(`plugin not found in the catalog: ${type}`);
    }
    this.addMount(this.mounts, normalized, type, description, backend, config);
  }

  /** `sys/auth/:path` POST. */
  enableAuthMethod(
    path: string,
    type: string,
    description: string,
    config: { defaultLeaseTtl: number; maxLeaseTtl: number },
  ): void {
    const normalized = freeMountPath(this.authMounts, path, 'auth/');
    const mountRef = () => this.authMounts.get(normalized)!;
    let backend: Backend;
    if (type === 'kubernetes') {
      backend = createKubernetesAuthBackend(this, mountRef);
    } else if (type === 'approle') {
      backend = createApproleBackend(this, mountRef);
    } else if (type === 'token') {
      throw badRequest('token credential backend cannot be instantiated');
    } else {
      throw badRequest(`plugin not found in the catalog: ${type}`);
    }
    this.addMount(
      this.authMounts,
      normalized,
      type,
      description,
      backend,
      config,
    );
  }

  authMountByAccessor(accessor: string): MountEntry | undefined {
    return Array.from(this.authMounts.values()).find(
      m => m.accessor === accessor,
    );
  }

  /** The merged ACL of a token: its own policies plus those granted through identity. */
  aclFor(token: TokenEntry): Acl {
    const names = new Set([
      ...token.policies,
      ...this.identity.policiesForEntity(token.entityId),
    ]);
    const policies: Array<{ name: string; rules: PolicyRule[] }> = [];
    for (const name of names) {
      if (name === 'root') {
        policies.push({ name: 'root', rules: [] });
        continue;
      }
      const policy = this.policies.get(name);
      if (policy) policies.push({ name, rules: policy.rules });
    }
    return new Acl(policies);
  }

  /** The mount serving a Vault path (e.g. a token's `auth/approle/login`), if any. */
  mountForPath(path: string): MountEntry | undefined {
    return this.resolveMount(path)?.mount;
  }

  private resolveMount(
    path: string,
  ): { mount: MountEntry; relative: string; prefix: string } | undefined {
    const isAuth = path.startsWith('auth/');
    const table = isAuth ? this.authMounts : this.mounts;
    const rest = isAuth ? path.slice('auth/'.length) : path;
    let best: MountEntry | undefined;
    for (const mount of table.values()) {
      if (
        `${rest}/`.startsWith(mount.path) &&
        (!best || mount.path.length > best.path.length)
      ) {
        best = mount;
      }
    }
    if (!best) return undefined;
    return {
      mount: best,
      relative: `${rest}/`.slice(best.path.length).replace(/\/$/, ''),
      prefix: isAuth ? `auth/${best.path}` : best.path,
    };
  }

  private matchRoute(
    backend: Backend,
    relative: string,
  ): { route: Route; params: Record<string, string> } | undefined {
    let compiled = this.compiled.get(backend);
    if (!compiled) {
      compiled = compileRoutes(backend.routes);
      this.compiled.set(backend, compiled);
    }
    for (const candidate of compiled) {
      const match = candidate.regex.exec(relative);
      if (match) {
        const params: Record<string, string> = {};
        candidate.names.forEach((name, i) => {
          params[name] = match[i + 1];
        });
        return { route: candidate.route, params };
      }
    }
    return undefined;
  }

  /** Runs one request through Vault's pipeline and returns the handler result with its mount type. */
  async handle(
    request: EngineRequest,
  ): Promise<{ op: Operation; result: VaultResult | null; mountType: string }> {
    const now = Date.now();
    const rawPath = request.path.replace(/^\/+/, '');
    const path = rawPath.replace(/\/+$/, '');
    const method = request.method.toUpperCase();

    let op: Operation;
    if (
      method === 'LIST' ||
      (method === 'GET' &&
        ['true', '1'].includes(request.query.get('list') ?? ''))
    ) {
      op = 'list';
    } else if (method === 'GET' || method === 'HEAD') {
      op = 'read';
    } else if (method === 'POST' || method === 'PUT') {
      op = 'update';
    } else if (method === 'DELETE') {
      op = 'delete';
    } else {
      throw new VaultHttpError(405, []);
    }

    const resolved = this.resolveMount(path);
    const matched = resolved
      ? this.matchRoute(resolved.mount.backend, resolved.relative)
      : undefined;
    const ctx: RequestContext = {
      op,
      path,
      relativePath: resolved?.relative ?? path,
      params: matched?.params ?? {},
      body: request.body,
      query: request.query,
      now,
      remoteAddress: request.remoteAddress,
    };
    if (op === 'update' && matched?.route.exists) {
      ctx.op = matched.route.exists(ctx) ? 'update' : 'create';
    }

    // As in Vault, the token and ACL are checked before routing, so an unauthorized caller
    // cannot probe which mounts and paths exist.
    if (!matched?.route.unauthenticated) {
      const token = this.tokens.lookup(request.token, now);
      if (!token || this.identity.isEntityDisabled(token.entityId)) {
        throw permissionDenied();
      }
      const aclPath =
        ctx.op === 'list' && !rawPath.endsWith('/') ? `${path}/` : path;
      if (
        !this.aclFor(token).allows(
          aclPath,
          ctx.op,
          Boolean(matched?.route.sudo),
          isRecord(request.body) ? request.body : {},
        )
      ) {
        throw permissionDenied();
      }
      ctx.token = token;
    }

    if (!resolved) {
      throw new VaultHttpError(404, [
        `no handler for route ${JSON.stringify(path)}. route entry not found.`,
      ]);
    }
    if (!matched) {
      throw unsupportedPath();
    }
    const handlers = {
      read: matched.route.read,
      list: matched.route.list,
      delete: matched.route.delete,
      create: matched.route.write,
      update: matched.route.write,
    };
    const handler = handlers[ctx.op];
    if (!handler) {
      throw unsupportedOperation();
    }
    const result = await handler(ctx);

    // A token with a use limit is revoked once the limit is reached.
    if (ctx.token && ctx.token.numUses > 0) {
      ctx.token.numUses -= 1;
      if (ctx.token.numUses === 0) {
        this.tokens.revoke(ctx.token.id);
      }
    }
    return { op: ctx.op, result, mountType: resolved.mount.type };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
