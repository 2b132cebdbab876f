import {
  constants,
  createPublicKey,
  KeyObject,
  verify,
  X509Certificate,
} from 'node:crypto';
import {
  applyTokenParams,
  defaultTokenParams,
  issueLoginToken,
  TokenParams,
  tokenParamsView,
} from './authCommon';
import { badRequest, internalError, loginDenied } from './errors';
import { getBool, getList, getString, has } from './fields';
import { globMatch } from './glob';
import { reviewToken } from './tokenReview';
import { listResult } from './types';
import type {
  Backend,
  MountEntry,
  RequestContext,
  Route,
  VaultResult,
} from './types';
import type { VaultEngine } from './engine';

/**
 * The Kubernetes auth method (`vault-plugin-auth-kubernetes`, `path_login.go`). The JWT's
 * claims are checked (and its signature against `pem_keys` when configured: RS*, PS*, ES* as
 * the plugin allows), then the role's bindings, then, as the plugin's `serviceAccount.lookup`
 * does, a TokenReview is posted to `kubernetes_host` (with `token_reviewer_jwt`, or the login's
 * own JWT when none is set) and must name the same account, with or without `pem_keys`. Any
 * review failure is a 403 `permission denied`. The peer never runs in a pod: without
 * `kubernetes_ca_cert` it needs `disable_local_ca_jwt` (then the system CAs are trusted).
 */

interface KubernetesConfig {
  kubernetesHost: string;
  kubernetesCaCert: string;
  pemKeys: string[];
  publicKeys: KeyObject[];
  issuer: string;
  disableIssValidation: boolean;
  disableLocalCaJwt: boolean;
  tokenReviewerJwt: string;
}

interface KubernetesRole {
  boundServiceAccountNames: string[];
  boundServiceAccountNamespaces: string[];
  audience: string;
  aliasNameSource: 'serviceaccount_uid' | 'serviceaccount_name';
  token: TokenParams;
}

/** Clock skew tolerated on `exp`, `nbf` and `iat`, like hashicorp/cap's default leeway. */
const LEEWAY_SECONDS = 150;

const ALGORITHMS: Record<string, { hash: string; kind: 'rsa' | 'pss' | 'ec' }> =
  {
    RS256: { hash: 'sha256', kind: 'rsa' },
    RS384: { hash: 'sha384', kind: 'rsa' },
    RS512: { hash: 'sha512', kind: 'rsa' },
    PS256: { hash: 'sha256', kind: 'pss' },
    PS384: { hash: 'sha384', kind: 'pss' },
    PS512: { hash: 'sha512', kind: 'pss' },
    ES256: { hash: 'sha256', kind: 'ec' },
    ES384: { hash: 'sha384', kind: 'ec' },
    ES512: { hash: 'sha512', kind: 'ec' },
  };

function parsePublicKey(pem: string): KeyObject {
  try {
    const key = pem.includes('CERTIFICATE')
      ? new X509Certificate(pem).publicKey
      : createPublicKey(pem);
    if (
      !['rsa', 'ec', 'ed25519', 'rsa-pss'].includes(key.asymmetricKeyType ?? '')
    ) {
      throw new Error('unsupported key type');
    }
    return key;
  } catch {
    throw badRequest('data does not contain any valid public keys');
  }
}

function decodeSegment(segment: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('not a JSON object');
  }
  return value as Record<string, unknown>;
}

function verifySignature(
  alg: string,
  signingInput: string,
  signature: Buffer,
  keys: KeyObject[],
): boolean {
  const spec = ALGORITHMS[alg];
  return keys.some(key => {
    try {
      if (spec.kind === 'ec') {
        return (
          key.asymmetricKeyType === 'ec' &&
          verify(
            spec.hash,
            Buffer.from(signingInput),
            { key, dsaEncoding: 'ieee-p1363' },
            signature,
          )
        );
      }
      if (spec.kind === 'pss') {
        return verify(
          spec.hash,
          Buffer.from(signingInput),
          {
            key,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          },
          signature,
        );
      }
      return (
        key.asymmetricKeyType === 'rsa' &&
        verify(spec.hash, Buffer.from(signingInput), key, signature)
      );
    } catch {
      return false;
    }
  });
}

/** Glob matching of `strutil.StrListContainsGlob` (`*` wildcards). */
function containsGlob(patterns: string[], value: string): boolean {
  return patterns.some(pattern => globMatch(pattern, value));
}

interface ServiceAccount {
  name: string;
  namespace: string;
  uid: string;
  secretName: string;
}

/** Reads the legacy `kubernetes.io/serviceaccount/*` claims or the projected-token `kubernetes.io` claim. */
function serviceAccountFromClaims(
  claims: Record<string, unknown>,
): ServiceAccount {
  const projected = claims['kubernetes.io'] as
    | { namespace?: string; serviceaccount?: { name?: string; uid?: string } }
    | undefined;
  const legacy = (key: string) => {
    const value = claims[`kubernetes.io/serviceaccount/${key}`];
    return typeof value === 'string' ? value : '';
  };
  return {
    name: projected?.serviceaccount
      ? projected.serviceaccount.name ?? ''
      : legacy('service-account.name'),
    namespace: projected ? projected.namespace ?? '' : legacy('namespace'),
    uid: projected?.serviceaccount
      ? projected.serviceaccount.uid ?? ''
      : legacy('service-account.uid'),
    secretName: legacy('secret.name'),
  };
}

export function createKubernetesAuthBackend(
  engine: VaultEngine,
  mountRef: () => MountEntry,
): Backend {
  let config: KubernetesConfig | undefined;
  const roles = new Map<string, KubernetesRole>();

  const validateJwt = (
    jwt: string,
    role: KubernetesRole,
    cfg: KubernetesConfig,
    now: number,
  ): Record<string, unknown> => {
    const parts = jwt.split('.');
    if (parts.length !== 3) {
      throw loginDenied('failed to parse JWT: malformed token');
    }
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = decodeSegment(parts[0]);
      claims = decodeSegment(parts[1]);
    } catch (e) {
      throw loginDenied(`failed to parse JWT: ${(e as Error).message}`);
    }
    const alg = String(header.alg ?? '');
    if (!ALGORITHMS[alg]) {
      throw loginDenied(`unsupported signing algorithm "${alg}"`);
    }
    // Without pem_keys the plugin does not verify the signature (DontVerifySignature): the
    // TokenReview decides.
    if (
      cfg.publicKeys.length > 0 &&
      !verifySignature(
        alg,
        `${parts[0]}.${parts[1]}`,
        Buffer.from(parts[2], 'base64url'),
        cfg.publicKeys,
      )
    ) {
      // The plugin maps signature failures to logical.ErrPermissionDenied.
      throw loginDenied();
    }
    const nowSeconds = now / 1000;
    if (
      typeof claims.exp === 'number' &&
      claims.exp + LEEWAY_SECONDS < nowSeconds
    ) {
      throw loginDenied(
        'invalid expiration time (exp) claim: token is expired',
      );
    }
    if (
      typeof claims.nbf === 'number' &&
      claims.nbf - LEEWAY_SECONDS > nowSeconds
    ) {
      throw loginDenied('invalid not before (nbf) claim: token not yet valid');
    }
    if (
      typeof claims.iat === 'number' &&
      claims.iat - LEEWAY_SECONDS > nowSeconds
    ) {
      throw loginDenied(
        'invalid issued at (iat) claim: token issued in the future',
      );
    }
    if (!cfg.disableIssValidation && cfg.issuer && claims.iss !== cfg.issuer) {
      throw loginDenied('invalid issuer (iss) claim');
    }
    if (role.audience.trim()) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(role.audience)) {
        throw loginDenied(
          'invalid audience (aud) claim: audience claim does not match any expected audience',
        );
      }
    }
    return claims;
  };

  /** `serviceAccount.lookup`: the API server must know the token, for the same account. */
  const lookup = async (
    jwt: string,
    claims: Record<string, unknown>,
    sa: ServiceAccount,
    role: KubernetesRole,
    cfg: KubernetesConfig,
  ): Promise<void> => {
    // Without a role audience the plugin asks for the token's own audiences.
    let tokenAudiences: string[] = [];
    if (Array.isArray(claims.aud)) tokenAudiences = claims.aud.map(String);
    else if (typeof claims.aud === 'string') tokenAudiences = [claims.aud];
    try {
      const reviewed = await reviewToken({
        host: cfg.kubernetesHost,
        caCert: cfg.kubernetesCaCert,
        bearer: cfg.tokenReviewerJwt || jwt,
        jwt,
        audiences: role.audience ? [role.audience] : tokenAudiences,
      });
      if (reviewed.name !== sa.name) throw new Error('JWT names did not match');
      if (reviewed.uid !== sa.uid) throw new Error('JWT UIDs did not match');
      if (reviewed.namespace !== sa.namespace) {
        throw new Error('JWT namepaces did not match');
      }
    } catch (e) {
      engine.logger.warn(
        `kubernetes auth at auth/${mountRef().path}: login unauthorized: ${
          (e as Error).message
        }`,
      );
      throw loginDenied();
    }
  };

  const login = async (ctx: RequestContext): Promise<VaultResult> => {
    const roleName = getString(ctx.body, 'role', '');
    if (!roleName) throw badRequest('missing role');
    const jwt = getString(ctx.body, 'jwt', '');
    if (!jwt) throw badRequest('missing jwt');
    const role = roles.get(roleName);
    if (!role)
      throw badRequest(`invalid role name ${JSON.stringify(roleName)}`);
    if (!config) throw internalError('could not load backend configuration');
    if (!config.kubernetesCaCert && !config.disableLocalCaJwt) {
      // loadConfig reads the pod's CA file, which a Vault outside a pod does not have.
      throw internalError(
        'open /var/run/secrets/kubernetes.io/serviceaccount/ca.crt: no such file or directory',
      );
    }
    const claims = validateJwt(jwt, role, config, ctx.now);
    const sa = serviceAccountFromClaims(claims);
    const names = role.boundServiceAccountNames;
    if (
      (names.length > 1 || names[0] !== '*') &&
      !containsGlob(names, sa.name)
    ) {
      throw loginDenied('service account name not authorized');
    }
    const namespaces = role.boundServiceAccountNamespaces;
    if (!(namespaces[0] === '*' || containsGlob(namespaces, sa.namespace))) {
      throw loginDenied('namespace not authorized');
    }
    if (!sa.uid) throw internalError('could not parse UID from claims');
    const aliasName =
      role.aliasNameSource === 'serviceaccount_name'
        ? `${sa.namespace}/${sa.name}`
        : sa.uid;
    await lookup(jwt, claims, sa, role, config);
    const aliasMetadata = {
      service_account_uid: sa.uid,
      service_account_name: sa.name,
      service_account_namespace: sa.namespace,
      service_account_secret_name: sa.secretName,
    };
    engine.logger.info(
      `kubernetes auth at auth/${mountRef().path}: login of ${sa.namespace}/${
        sa.name
      } with role ${roleName}`,
    );
    return issueLoginToken(engine, ctx, {
      mount: mountRef(),
      params: role.token,
      metadata: { ...aliasMetadata, role: roleName },
      displayName: `${sa.namespace}-${sa.name}`,
      aliasName,
      aliasMetadata,
      currentParams: () => roles.get(roleName)?.token,
      roleName,
    });
  };

  const writeRole = (ctx: RequestContext): null => {
    const body = ctx.body;
    const existing = roles.get(ctx.params.name);
    const role: KubernetesRole = existing
      ? { ...existing, token: { ...existing.token } }
      : {
          boundServiceAccountNames: [],
          boundServiceAccountNamespaces: [],
          audience: '',
          aliasNameSource: 'serviceaccount_uid',
          token: defaultTokenParams(),
        };
    if (has(body, 'bound_service_account_names'))
      role.boundServiceAccountNames = getList(
        body,
        'bound_service_account_names',
      );
    if (has(body, 'bound_service_account_namespaces'))
      role.boundServiceAccountNamespaces = getList(
        body,
        'bound_service_account_namespaces',
      );
    if (has(body, 'audience')) role.audience = getString(body, 'audience');
    if (has(body, 'alias_name_source')) {
      const source = getString(body, 'alias_name_source');
      if (source !== 'serviceaccount_uid' && source !== 'serviceaccount_name') {
        throw badRequest(`invalid alias_name_source ${JSON.stringify(source)}`);
      }
      role.aliasNameSource = source;
    }
    role.token = applyTokenParams(body, role.token);
    if (role.boundServiceAccountNames.length === 0) {
      throw badRequest('"bound_service_account_names" can not be empty');
    }
    if (role.boundServiceAccountNamespaces.length === 0) {
      throw badRequest('"bound_service_account_namespaces" can not be empty');
    }
    for (const list of [
      role.boundServiceAccountNames,
      role.boundServiceAccountNamespaces,
    ]) {
      if (list.length > 1 && list.includes('*'))
        throw badRequest('can not mix "*" with values');
    }
    roles.set(ctx.params.name, role);
    return null;
  };

  const routes: Route[] = [
    {
      pattern: 'config',
      read: () =>
        config
          ? {
              data: {
                kubernetes_host: config.kubernetesHost,
                kubernetes_ca_cert: config.kubernetesCaCert,
                pem_keys: config.pemKeys,
                issuer: config.issuer,
                disable_iss_validation: config.disableIssValidation,
                disable_local_ca_jwt: config.disableLocalCaJwt,
                token_reviewer_jwt_set: config.tokenReviewerJwt !== '',
                use_annotations_as_alias_metadata: false,
              },
            }
          : null,
      write: ctx => {
        const body = ctx.body;
        const host = getString(body, 'kubernetes_host', '');
        if (!host) throw badRequest('no host provided');
        const caCert = getString(body, 'kubernetes_ca_cert', '');
        if (caCert && !/-----BEGIN [A-Z0-9 ]+-----/.test(caCert)) {
          throw badRequest(
            'The provided CA PEM data contains no valid certificates',
          );
        }
        const pemKeys = getList(body, 'pem_keys');
        const publicKeys = pemKeys.map(parsePublicKey);
        config = {
          kubernetesHost: host,
          kubernetesCaCert: caCert,
          pemKeys,
          publicKeys,
          issuer: getString(body, 'issuer', ''),
          disableIssValidation: getBool(body, 'disable_iss_validation', true),
          disableLocalCaJwt: getBool(body, 'disable_local_ca_jwt', false),
          tokenReviewerJwt: getString(body, 'token_reviewer_jwt', ''),
        };
        return null;
      },
    },
    {
      pattern: 'role',
      list: () => listResult(Array.from(roles.keys()).sort()),
    },
    {
      pattern: 'role/:name',
      exists: ctx => roles.has(ctx.params.name),
      read: ctx => {
        const role = roles.get(ctx.params.name);
        if (!role) return null;
        return {
          data: {
            bound_service_account_names: role.boundServiceAccountNames,
            bound_service_account_namespaces:
              role.boundServiceAccountNamespaces,
            bound_service_account_namespace_selector: '',
            audience: role.audience,
            alias_name_source: role.aliasNameSource,
            ...tokenParamsView(role.token),
          },
        };
      },
      write: writeRole,
      delete: ctx => {
        roles.delete(ctx.params.name);
        return null;
      },
    },
    { pattern: 'login', unauthenticated: true, write: login },
  ];
  return { routes };
}
