import * as x509 from '@peculiar/x509';
import {
  createHash,
  generateKeyPairSync,
  KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { parseCertificates, verifyClientCertificate } from './pki';

/** The authenticated user of a request, like Kubernetes' `user.Info`. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** A static bearer token's identity. */
export interface StaticTokenUser {
  username: string;
  groups?: string[];
  uid?: string;
}

/** Every authenticated user is also in this group, as in kube-apiserver. */
export const authenticatedGroup = 'system:authenticated';

function withAuthenticatedGroup(groups: string[]): string[] {
  return groups.includes(authenticatedGroup)
    ? groups
    : [...groups, authenticatedGroup];
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
  };
}

/**
 * The stored ServiceAccount objects, as the token validator sees them (kube-apiserver's
 * `--service-account-lookup`, on by default).
 */
export interface ServiceAccountLookup {
  /** The stored account, if any. */
  get(
    namespace: string,
    name: string,
  ): { uid: string; deletionTimestamp?: string } | undefined;
  /** The account's uid, storing the account first if it does not exist. */
  ensure(namespace: string, name: string): string;
}

/** Accounts that exist once named, with a stable uid: for a token issuer used on its own. */
function inMemoryAccounts(): ServiceAccountLookup {
  const uids = new Map<string, string>();
  const ensure = (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    let uid = uids.get(key);
    if (!uid) {
      uid = randomUUID();
      uids.set(key, uid);
    }
    return uid;
  };
  return { get: (ns, name) => ({ uid: ensure(ns, name) }), ensure };
}

/** Outcome of verifying a token: its user, why it is refused, or not one of ours. */
export type TokenVerification =
  | { user: UserInfo; expiresAt: number }
  | { error: string }
  | undefined;

/**
 * Issues and verifies service-account JWTs the way kube-apiserver's TokenRequest does:
 * RS256, `sub = system:serviceaccount:<ns>:<name>`, audience defaulting to the issuer.
 * Verification also checks that the account still exists with the token's uid, as
 * `pkg/serviceaccount/claims.go` (`serviceAccountValidate`) does: deleting (or recreating)
 * the account revokes its tokens.
 */
export class ServiceAccountTokens {
  readonly issuer: string;
  readonly publicKeyPem: string;
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private accounts: ServiceAccountLookup = inMemoryAccounts();

  constructor(issuer: string) {
    this.issuer = issuer;
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.publicKeyPem = this.publicKey
      .export({ type: 'spki', format: 'pem' })
      .toString();
    // kube-apiserver derives `kid` from a hash of the DER public key.
    this.keyId = base64url(
      createHash('sha256')
        .update(this.publicKey.export({ type: 'spki', format: 'der' }))
        .digest(),
    );
  }

  /** The JWKS document served at `/openid/v1/jwks`. */
  jwks(): { keys: object[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return {
      keys: [{ ...jwk, use: 'sig', kid: this.keyId, alg: 'RS256' }],
    };
  }

  /** Where accounts are looked up (the API server's store). */
  useAccounts(accounts: ServiceAccountLookup): void {
    this.accounts = accounts;
  }

  /**
   * Signs a token for `system:serviceaccount:<namespace>:<name>`. The real TokenRequest needs
   * the account to exist; as a test shortcut, a missing account is created first.
   */
  issue(options: {
    namespace: string;
    name: string;
    ttlSeconds?: number;
    audiences?: string[];
  }): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: ServiceAccountClaims = {
      iss: this.issuer,
      sub: `system:serviceaccount:${options.namespace}:${options.name}`,
      aud: options.audiences ?? [this.issuer],
      exp: now + (options.ttlSeconds ?? 3600),
      iat: now,
      nbf: now,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: options.namespace,
        serviceaccount: {
          name: options.name,
          uid: this.accounts.ensure(options.namespace, options.name),
        },
      },
    };
    const header = { alg: 'RS256', kid: this.keyId };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(
      JSON.stringify(claims),
    )}`;
    const signature = sign(
      'sha256',
      Buffer.from(signingInput),
      this.privateKey,
    );
    return `${signingInput}.${base64url(signature)}`;
  }

  /**
   * Verifies a token this peer issued for the API server's own audience: its user and expiry
   * (epoch seconds), or why a well-signed token is refused (its account is gone). Returns
   * undefined for anything that is not such a token, so other authenticators may try it.
   */
  verify(
    token: string,
    audiences: string[] = [this.issuer],
  ): TokenVerification {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: { alg?: string };
    let claims: ServiceAccountClaims;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    } catch {
      return undefined;
    }
    if (header.alg !== 'RS256' || claims.iss !== this.issuer) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      this.publicKey,
      Buffer.from(parts[2], 'base64url'),
    );
    if (!ok) return undefined;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > now + 60)
      return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some(a => audiences.includes(a))) return undefined;
    const k8s = claims['kubernetes.io'];
    if (!k8s?.namespace || !k8s.serviceaccount?.name) return undefined;
    const refused = this.accountProblem(k8s.namespace, k8s.serviceaccount);
    if (refused) return { error: refused };
    const user: UserInfo = {
      username: `system:serviceaccount:${k8s.namespace}:${k8s.serviceaccount.name}`,
      uid: k8s.serviceaccount.uid,
      groups: [
        'system:serviceaccounts',
        `system:serviceaccounts:${k8s.namespace}`,
        authenticatedGroup,
      ],
      extra: {
        'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`],
      },
    };
    return { user, expiresAt: claims.exp };
  }

  /** `serviceAccountValidate` of claims.go, with its messages. */
  private accountProblem(
    namespace: string,
    ref: { name: string; uid: string },
  ): string | undefined {
    const account = this.accounts.get(namespace, ref.name);
    if (!account) return `serviceaccounts "${ref.name}" not found`;
    // Deleted more than the 60 s leeway ago (the peer deletes at once, without finalizers).
    if (
      account.deletionTimestamp &&
      Date.parse(account.deletionTimestamp) < Date.now() - 60_000
    ) {
      return `service account ${namespace}/${ref.name} has been deleted`;
    }
    if (account.uid !== ref.uid) {
      return `service account UID (${account.uid}) does not match claim (${ref.uid})`;
    }
    return undefined;
  }
}

/**
 * How long a successful token authentication is remembered: kube-apiserver's
 * `--token-success-cache-ttl` default (tokencache in k8s.io/apiserver; failures are not cached).
 */
export const TOKEN_SUCCESS_CACHE_MS = 10_000;
/** Entries at most, like the real cache's bound; the oldest goes first. */
const TOKEN_CACHE_ENTRIES = 32_768;

/**
 * Successful token authentications by audiences and token, as kube-apiserver's cached token
 * authenticator keeps them, so that a client's every request does not pay a signature check.
 * An entry never outlives the token's own expiry.
 */
class TokenCache {
  private readonly entries = new Map<
    string,
    { user: UserInfo; until: number }
  >();

  constructor(private readonly ttlMs: number) {}

  private key(token: string, audiences: string[] | undefined): string {
    // Length-prefixed, as keyFunc does, so that no two (audiences, token) pairs share a key.
    return [...(audiences ?? []), token].map(p => `${p.length}:${p}`).join('');
  }

  get(token: string, audiences: string[] | undefined): UserInfo | undefined {
    const key = this.key(token, audiences);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return copyUser(entry.user);
  }

  set(
    token: string,
    audiences: string[] | undefined,
    user: UserInfo,
    expiresAt: number,
  ): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= TOKEN_CACHE_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(this.key(token, audiences), {
      user: copyUser(user),
      until: Math.min(Date.now() + this.ttlMs, expiresAt),
    });
  }
}

function copyUser(user: UserInfo): UserInfo {
  return {
    ...user,
    groups: [...user.groups],
    ...(user.extra
      ? {
          extra: Object.fromEntries(
            Object.entries(user.extra).map(([k, v]) => [k, [...v]]),
          ),
        }
      : {}),
  };
}

/** Turns request credentials (client certificate or bearer token) into a {@link UserInfo}. */
export class Authenticator {
  private readonly clientCas: x509.X509Certificate[] = [];
  private readonly staticTokens: Map<string, StaticTokenUser>;
  readonly serviceAccounts: ServiceAccountTokens;
  private readonly onReject?: (why: string) => void;
  private readonly tokenCache: TokenCache;

  constructor(options: {
    clientCaPems: string[];
    staticTokens: Record<string, StaticTokenUser>;
    serviceAccounts: ServiceAccountTokens;
    onReject?: (why: string) => void;
    /** 0 turns the token cache off. */
    tokenSuccessCacheMs?: number;
  }) {
    for (const pem of options.clientCaPems) this.addClientCa(pem);
    this.staticTokens = new Map(Object.entries(options.staticTokens));
    this.serviceAccounts = options.serviceAccounts;
    this.onReject = options.onReject;
    this.tokenCache = new TokenCache(
      options.tokenSuccessCacheMs ?? TOKEN_SUCCESS_CACHE_MS,
    );
  }

  addClientCa(pem: string): void {
    const certs = parseCertificates(pem);
    if (certs.length === 0) {
      throw new Error('addClientCa: no PEM certificate found');
    }
    this.clientCas.push(...certs);
  }

  addStaticToken(token: string, user: StaticTokenUser): void {
    this.staticTokens.set(token, user);
  }

  /** Authenticates a bearer token. */
  authenticateToken(token: string, audiences?: string[]): UserInfo | undefined {
    const review = this.reviewToken(token, audiences);
    return 'user' in review ? review.user : undefined;
  }

  /**
   * Authenticates a bearer token for TokenReview: the user, or the error text of the union
   * of token authenticators, e.g. `[invalid bearer token, service account ns/sa has been deleted]`.
   */
  reviewToken(
    token: string,
    audiences?: string[],
  ): { user: UserInfo } | { error: string } {
    const staticUser = this.staticTokens.get(token);
    if (staticUser) {
      return {
        user: {
          username: staticUser.username,
          uid: staticUser.uid,
          groups: withAuthenticatedGroup(staticUser.groups ?? []),
        },
      };
    }
    const cached = this.tokenCache.get(token, audiences);
    if (cached) return { user: cached };
    const verified = this.serviceAccounts.verify(token, audiences);
    if (!verified) return { error: '[invalid bearer token]' };
    if ('error' in verified) {
      return { error: `[invalid bearer token, ${verified.error}]` };
    }
    this.tokenCache.set(
      token,
      audiences,
      verified.user,
      verified.expiresAt * 1000,
    );
    return { user: verified.user };
  }

  /**
   * Authenticates a request. Like kube-apiserver, a presented-but-invalid credential is not
   * silently skipped in favour of anonymous access: it yields undefined (401).
   */
  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const user = match ? this.authenticateToken(match[1]) : undefined;
      if (user) return user;
      this.onReject?.('invalid bearer token');
      // A bad token with a good certificate still fails in kube-apiserver only if no
      // authenticator succeeds, so fall through to the certificate.
    }
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function') return undefined;
    const peer = socket.getPeerCertificate(true);
    if (!peer || !peer.raw) return undefined;
    const intermediates: Buffer[] = [];
    let next = peer.issuerCertificate;
    const seen = new Set<string>([peer.fingerprint256]);
    while (next && next.raw && !seen.has(next.fingerprint256)) {
      seen.add(next.fingerprint256);
      intermediates.push(next.raw);
      next = next.issuerCertificate;
    }
    const result = await verifyClientCertificate({
      leafDer: peer.raw,
      intermediatesDer: intermediates,
      trusted: this.clientCas,
    });
    if ('error' in result) {
      this.onReject?.(result.error);
      return undefined;
    }
    return {
      username: result.commonName,
      groups: withAuthenticatedGroup(result.organizations),
    };
  }
}
