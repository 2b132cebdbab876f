/**
 * Configures a Vault (the peer or a real one) for the Cluster Access backend, over HTTP only.
 * Each step is the API call behind the `vault` CLI command shown in its comment, so this file
 * doubles as the operator's setup guide.
 */

/** Options of {@link bootstrapVaultForClusterAccess}. */
export interface BootstrapVaultOptions {
  /** Vault address, e.g. `http://127.0.0.1:8200`. */
  url: string;
  /** A token allowed to configure Vault (root, or an admin with sudo on `sys/auth/*`). */
  rootToken: string;
  /** PKI mount path; defaults to `pki`. */
  pkiMount?: string;
  /** PKI role used for client certificates; defaults to `kubernetes-client`. */
  roleName?: string;
  /** Default certificate TTL of the role; defaults to `8h`. */
  ttl?: string;
  /** Maximum certificate TTL of the role; defaults to `24h`. */
  maxTtl?: string;
  /** Also enable AppRole and create a role for the backend. */
  approle?: boolean;
  /**
   * Also enable Kubernetes auth for the backend's service account. As in
   * deploy/vault/setup.sh, Vault checks each login's JWT with a TokenReview on `host`.
   */
  kubernetes?: {
    /** The API server Vault posts TokenReviews to; defaults to `https://kubernetes.default.svc`. */
    host?: string;
    /** That API server's CA bundle (PEM), `kubernetes_ca_cert`. */
    caCert?: string;
    /**
     * Token of a reviewer service account bound to `system:auth-delegator`
     * (deploy/kubernetes/vault-token-reviewer.yaml); without it Vault reviews each login's JWT
     * with that JWT itself.
     */
    tokenReviewerJwt?: string;
    /**
     * PEM public keys (or certificates) that verify service-account JWTs locally. Not what
     * setup.sh does; the Vault peer then skips the TokenReview (real Vault still posts it).
     */
    pemKeys?: string[];
    /** Expected `iss` claim; when set, issuer validation is switched on. */
    issuer?: string;
    serviceAccount: string;
    namespace: string;
    /** Expected `aud` claim, if any. */
    audience?: string;
  };
}

/** What the Cluster Access backend's configuration needs after bootstrapping. */
export interface BootstrapVaultResult {
  /** PEM of the root CA that signs client certificates (to put in kubeconfigs / API server trust). */
  caPem: string;
  pkiMount: string;
  roleName: string;
  /** Name of the ACL policy granted to the backend. */
  backendPolicy: string;
  /** A periodic token carrying the backend policy. */
  backendToken: string;
  approle?: { roleId: string; secretId: string; mount: string };
  kubernetesAuth?: { mount: string; role: string };
}

const BACKEND_POLICY_NAME = 'cluster-access-backend';
const BACKEND_ROLE_NAME = 'cluster-access-backend';

/**
 * The ACL policy of the Cluster Access backend, exactly what its code calls: sign CSRs verbatim
 * on one PKI role and revoke, read that role and the CA; read entities by user name and create
 * them (a write by name) carrying only Backstage metadata; create entity aliases; read groups by
 * id; read the auth mounts (for an alias's mount accessor); keep its own token alive. The
 * parameter allow-lists stop a stolen token from attaching policies to an entity, disabling one
 * or putting anyone into a group.
 */
export function clusterAccessBackendPolicy(options: {
  pkiMount: string;
  roleName: string;
}): string {
  const pki = options.pkiMount.replace(/^\/+|\/+$/g, '');
  return `# Cluster Access backend
path "${pki}/sign-verbatim/${options.roleName}" {
  capabilities = ["update"]
}
path "${pki}/revoke" {
  capabilities = ["update"]
}
path "${pki}/roles/${options.roleName}" {
  capabilities = ["read"]
}
path "${pki}/ca/pem" {
  capabilities = ["read"]
}
path "${pki}/cert/ca_chain" {
  capabilities = ["read"]
}
# Each user's entity, by name: looked up, and created with the user's
# Backstage entity ref as metadata (a write by name; no policies, groups or
# disabling).
path "identity/entity/name/*" {
  capabilities = ["read", "update"]
  allowed_parameters = {
    "metadata" = []
  }
}
# Finding a user's entity by its alias on the organisation's login mount
# (a read that Vault exposes as a write); only used with
# clusterAccess.vault.identity.aliasMountPath (remove it otherwise).
path "identity/lookup/entity" {
  capabilities = ["update"]
  allowed_parameters = {
    "alias_name" = []
    "alias_mount_accessor" = []
  }
}
# An alias linking the entity to the organisation's login mount; only used
# with clusterAccess.vault.identity.aliasMountPath (remove it otherwise).
path "identity/entity-alias" {
  capabilities = ["update"]
  allowed_parameters = {
    "name" = []
    "canonical_id" = []
    "mount_accessor" = []
  }
}
# The names of the entity's groups.
path "identity/group/id/*" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
`;
}

class VaultRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    what: string,
  ) {
    super(
      `Vault ${what} failed with status ${status}: ${
        errors.join('; ') || 'no error text'
      }`,
    );
    this.name = 'VaultRequestError';
  }
}

/**
 * Configures a running Vault the way an operator would with the vault CLI, over HTTP with the
 * root token: enables a PKI mount with a generated root CA (EC P-256), a client-certificate
 * role, the policy the Cluster Access backend needs and the auth method(s) it logs in with.
 * Re-running it is safe: existing mounts and the existing CA are reused.
 *
 * Note for the backend: `sign-verbatim` ignores the role's `client_flag`/`key_usage`, as in
 * Vault, so the backend must send `ext_key_usage: ["ClientAuth"]` with each request.
 */
export async function bootstrapVaultForClusterAccess(
  options: BootstrapVaultOptions,
): Promise<BootstrapVaultResult> {
  const base = options.url.replace(/\/+$/, '');
  const pkiMount = (options.pkiMount ?? 'pki').replace(/^\/+|\/+$/g, '');
  const roleName = options.roleName ?? 'kubernetes-client';

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    raw = false,
  ): Promise<any> => {
    const response = await fetch(`${base}/v1/${path}`, {
      method,
      headers: {
        'X-Vault-Token': options.rootToken,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) {
      let errors: string[] = [];
      try {
        errors = JSON.parse(text).errors ?? [];
      } catch {
        errors = [text];
      }
      throw new VaultRequestError(
        response.status,
        errors,
        `${method} /v1/${path}`,
      );
    }
    if (raw) return text;
    return text ? JSON.parse(text) : undefined;
  };

  // vault secrets enable -path=pki -max-lease-ttl=87600h pki
  const mounts = await call('GET', 'sys/mounts');
  if (!mounts.data?.[`${pkiMount}/`]) {
    await call('POST', `sys/mounts/${pkiMount}`, {
      type: 'pki',
      description: 'Cluster Access client certificates',
      config: { max_lease_ttl: '87600h' },
    });
  }

  // vault write pki/root/generate/internal common_name="Cluster Access Root CA" key_type=ec ttl=87600h
  let caPem: string = await call('GET', `${pkiMount}/ca/pem`, undefined, true);
  if (!caPem.includes('BEGIN CERTIFICATE')) {
    await call('POST', `${pkiMount}/root/generate/internal`, {
      common_name: 'Cluster Access Root CA',
      issuer_name: 'cluster-access-root',
      key_type: 'ec',
      key_bits: 256,
      ttl: '87600h',
    });
    caPem = await call('GET', `${pkiMount}/ca/pem`, undefined, true);
  }

  // vault write pki/roles/kubernetes-client key_type=any client_flag=true server_flag=false ...
  await call('POST', `${pkiMount}/roles/${roleName}`, {
    key_type: 'any',
    client_flag: true,
    server_flag: false,
    key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
    ttl: options.ttl ?? '8h',
    max_ttl: options.maxTtl ?? '24h',
    allow_any_name: true,
    enforce_hostnames: false,
    allow_ip_sans: false,
    cn_validations: ['disabled'],
    use_csr_common_name: true,
    use_csr_sans: true,
    no_store: false,
  });

  // vault policy write cluster-access-backend backend.hcl
  await call('PUT', `sys/policies/acl/${BACKEND_POLICY_NAME}`, {
    policy: clusterAccessBackendPolicy({ pkiMount, roleName }),
  });

  // vault token create -policy=cluster-access-backend -period=24h
  const token = await call('POST', 'auth/token/create', {
    policies: [BACKEND_POLICY_NAME],
    display_name: BACKEND_POLICY_NAME,
    period: '24h',
    renewable: true,
  });

  const result: BootstrapVaultResult = {
    caPem: caPem.trim(),
    pkiMount,
    roleName,
    backendPolicy: BACKEND_POLICY_NAME,
    backendToken: token.auth.client_token,
  };

  const authMounts = await call('GET', 'sys/auth');
  const tokenSettings = {
    token_policies: [BACKEND_POLICY_NAME],
    token_ttl: '1h',
    token_max_ttl: '24h',
  };

  if (options.approle) {
    // vault auth enable approle
    if (!authMounts.data?.['approle/']) {
      await call('POST', 'sys/auth/approle', { type: 'approle' });
    }
    // vault write auth/approle/role/cluster-access-backend token_policies=cluster-access-backend ...
    await call('POST', `auth/approle/role/${BACKEND_ROLE_NAME}`, {
      ...tokenSettings,
      secret_id_ttl: 0,
    });
    const roleId = await call(
      'GET',
      `auth/approle/role/${BACKEND_ROLE_NAME}/role-id`,
    );
    const secretId = await call(
      'POST',
      `auth/approle/role/${BACKEND_ROLE_NAME}/secret-id`,
      {},
    );
    result.approle = {
      roleId: roleId.data.role_id,
      secretId: secretId.data.secret_id,
      mount: 'approle',
    };
  }

  if (options.kubernetes) {
    const k8s = options.kubernetes;
    // vault auth enable kubernetes
    if (!authMounts.data?.['kubernetes/']) {
      await call('POST', 'sys/auth/kubernetes', { type: 'kubernetes' });
    }
    // vault write auth/kubernetes/config kubernetes_host=... kubernetes_ca_cert=@ca.crt token_reviewer_jwt=...
    await call('POST', 'auth/kubernetes/config', {
      kubernetes_host: k8s.host ?? 'https://kubernetes.default.svc',
      ...(k8s.caCert ? { kubernetes_ca_cert: k8s.caCert } : {}),
      ...(k8s.tokenReviewerJwt
        ? { token_reviewer_jwt: k8s.tokenReviewerJwt }
        : {}),
      ...(k8s.pemKeys?.length ? { pem_keys: k8s.pemKeys } : {}),
      ...(k8s.issuer
        ? { issuer: k8s.issuer, disable_iss_validation: false }
        : {}),
    });
    // vault write auth/kubernetes/role/cluster-access-backend bound_service_account_names=... ...
    await call('POST', `auth/kubernetes/role/${BACKEND_ROLE_NAME}`, {
      bound_service_account_names: [k8s.serviceAccount],
      bound_service_account_namespaces: [k8s.namespace],
      ...(k8s.audience ? { audience: k8s.audience } : {}),
      ...tokenSettings,
    });
    result.kubernetesAuth = { mount: 'kubernetes', role: BACKEND_ROLE_NAME };
  }

  return result;
}
