import type { Body } from './fields';

/** Vault's logical operations, derived from the HTTP method (and existence checks). */
export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete';

/** Logger accepted by the peer; never receives tokens or private keys. */
export interface PeerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A token as the token store keeps it. Times are epoch milliseconds, TTLs seconds. */
export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  meta: Record<string, string> | null;
  displayName: string;
  path: string;
  parent: string;
  issueTime: number;
  /** The TTL the token was created with (0 for tokens that never expire). */
  creationTtl: number;
  /** Current expiry, or null for tokens without a TTL (root). */
  expireTime: number | null;
  /** Backend maximum TTL (role `token_max_ttl` or mount max), 0 for the system maximum. */
  maxTtl: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  numUses: number;
  entityId: string;
  orphan: boolean;
  /** For tokens issued by an auth method: recomputes TTL bounds on renewal, like the backend's renew callback. */
  renewHook?: () => { ttl: number; maxTtl: number; period: number };
}

/** Per-request context handed to route handlers. */
export interface RequestContext {
  op: Operation;
  /** Vault path without `/v1/` and without leading/trailing slashes. */
  path: string;
  /** Path relative to the mount that serves it. */
  relativePath: string;
  params: Record<string, string>;
  body: Body;
  query: URLSearchParams;
  token?: TokenEntry;
  now: number;
  remoteAddress?: string;
}

/** Authentication block of a response (`auth` in Vault's envelope). */
export interface AuthBlock {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  identity_policies?: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: string;
  orphan: boolean;
  mfa_requirement: null;
  num_uses: number;
}

/** What a route handler returns; `null` means "nothing" (404 on reads, 204 on writes). */
export interface VaultResult {
  data?: Record<string, unknown> | null;
  auth?: AuthBlock;
  warnings?: string[];
  /** Raw (non-JSON-envelope) response, such as `pki/ca/pem`. */
  raw?: { status?: number; contentType: string; body: string | Buffer };
  /** A JSON body that is not wrapped in the envelope, such as `sys/health`. */
  json?: { status: number; body: unknown };
  /** Copy `data` keys to the top level as well, like Vault's legacy sys endpoints do. */
  topLevel?: boolean;
  /** Force an HTTP status for an enveloped body. */
  status?: number;
}

export type Handler = (
  ctx: RequestContext,
) => Promise<VaultResult | null> | VaultResult | null;

/** One path pattern of a backend with its operation handlers. */
export interface Route {
  /** Pattern relative to the mount; `:name` matches one segment, `:name*` the rest. */
  pattern: string;
  read?: Handler;
  list?: Handler;
  write?: Handler;
  delete?: Handler;
  /** Served without a token (logins, health). */
  unauthenticated?: boolean;
  /** Root-protected path: the ACL must also grant `sudo`. */
  sudo?: boolean;
  /** Existence check deciding between `create` and `update` for writes. */
  exists?: (ctx: RequestContext) => boolean;
}

/** A secrets engine or auth method instance. */
export interface Backend {
  routes: Route[];
}

/** Mount table entry for both secrets engines and auth methods. */
export interface MountEntry {
  /** Path with a trailing slash, e.g. `pki/` or `kubernetes/`. */
  path: string;
  type: string;
  accessor: string;
  uuid: string;
  description: string;
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
  local: boolean;
  sealWrap: boolean;
  options: Record<string, string> | null;
  backend: Backend;
}

/** Helper for list responses: Vault answers an empty list with 404. */
export function listResult(
  keys: string[],
  keyInfo?: Record<string, unknown>,
): VaultResult | null {
  if (keys.length === 0) {
    return null;
  }
  return { data: keyInfo ? { keys, key_info: keyInfo } : { keys } };
}
