import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ResourceApi } from './api';
import { AuthorizationLog, AuthorizationLogEntry } from './audit';
import { Authenticator, ServiceAccountTokens, StaticTokenUser } from './auth';
import { backendAdmissionPolicy } from './backendAdmission';
import { bootstrapNamespaces, bootstrapPolicy } from './bootstrap';
import { buildKubeconfig, KubeconfigCredentials } from './kubeconfig';
import { createCertificateAuthority, issueLeafCertificate } from './pki';
import { RbacAuthorizer, RbacSource, BindingLike, PolicyRule } from './rbac';
import {
  findResourceTypeByKind,
  KubeObject,
  resourceTypes,
  ResourceType,
} from './resources';
import {
  FaultSpec,
  KubeApiServer,
  KubePeerLogger,
  ListRequest,
} from './server';
import { ObjectStore } from './store';

/** Options of {@link startKubePeer}. */
export interface KubePeerOptions {
  /** Address to bind (default `127.0.0.1`). */
  host?: string;
  /** Port to bind (default 0: a free port). */
  port?: number;
  /** CAs whose client certificates are accepted (user = CN, groups = every O). */
  clientCaPems?: string[];
  /** Static bearer tokens, e.g. the Cluster Access backend's service-account token. */
  staticTokens?: Record<string, StaticTokenUser>;
  logger?: KubePeerLogger;
  /** `iss` of the service-account tokens the peer issues (default `https://kubernetes.default.svc.cluster.local`). */
  serviceAccountIssuer?: string;
  /**
   * The service account bound to the `cluster-access-provisioner` ClusterRole at start
   * (default `cluster-access/backstage`, i.e. user `system:serviceaccount:cluster-access:backstage`).
   * Its namespace is created too, and the ValidatingAdmissionPolicy of
   * deploy/kubernetes/backend-admission-policy.yaml confines it to managed namespaces.
   * `null` binds nobody.
   */
  provisionerServiceAccount?: { namespace: string; name: string } | null;
  /**
   * How long a deleted namespace stays `Terminating` before it and its contents are removed
   * (default 2000: the namespace controller of a real cluster takes seconds to minutes;
   * 0 removes it before the DELETE returns).
   */
  namespaceTerminationMs?: number;
}

/** Addresses one stored object for the test accessors. */
export interface ObjectRef {
  /** e.g. `v1`, `rbac.authorization.k8s.io/v1`. */
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** A running Kubernetes API peer. */
export interface KubePeer {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  /** The server CA (PEM), for kubeconfig `certificate-authority-data`. */
  caPem: string;
  /** `iss` of issued service-account tokens; also the API audience. */
  serviceAccountIssuer: string;
  /** SPKI PEM of the service-account signing key (for Vault's JWT auth `jwt_validation_pubkeys`/`pem_keys`). */
  serviceAccountPublicKeyPem: string;
  /** A static token for `kubernetes-admin` in `system:masters`, for test setup. */
  adminToken: string;
  /**
   * Signs a service-account JWT (RS256) that this peer, and anything trusting its key, accepts
   * while the account exists. A missing ServiceAccount is created first (a test shortcut: the
   * real TokenRequest needs an existing account); deleting it revokes its tokens.
   */
  issueServiceAccountToken(options: {
    namespace: string;
    name: string;
    ttlSeconds?: number;
    /** Default: the issuer, which is what the peer itself requires. */
    audiences?: string[];
  }): string;
  /** Trusts another client CA from now on (e.g. Vault's PKI CA). */
  addClientCa(pem: string): void;
  /** Adds a static bearer token. */
  addStaticToken(token: string, user: StaticTokenUser): void;
  /** Makes the next matching request(s) fail with a Kubernetes Status of the given code. */
  failNext(fault: FaultSpec): void;
  /** Delays every request by `ms` (0 to stop). */
  setDelay(ms: number): void;
  /**
   * Compacts like kube-apiserver's periodic etcd compaction: continue tokens of lists started
   * before now answer 410 Expired.
   */
  compact(): void;
  /** Resource request counts keyed `<verb> <resource>`, e.g. `list namespaces`. */
  requestCounts(): Record<string, number>;
  /** Every list request since the last reset, in order (resource, limit, continued). */
  listRequests(): ListRequest[];
  /**
   * TLS connections accepted since the last reset: each is a full handshake, so a client
   * that keeps its connections alive makes far fewer than it makes requests.
   */
  connectionCount(): number;
  /** Clears the request and connection counts, the list requests and the authorization log. */
  resetCounts(): void;
  /**
   * Every authorization decision made for a resource request since the last reset, in order:
   * the request's own, `create` for a server-side apply that creates, and RBAC escalation
   * prevention (`escalate`, `bind`, and the rules a writer had to hold). See `audit.ts`.
   */
  authorizationLog(): AuthorizationLogEntry[];
  /** Reads a stored object, bypassing authorization (undefined if absent). */
  getObject(ref: ObjectRef): KubeObject | undefined;
  /** Lists stored objects of a kind, bypassing authorization. */
  listObjects(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
  }): KubeObject[];
  /** Creates or replaces an object bypassing authorization and admission (still validated). */
  putObject(obj: KubeObject): KubeObject;
  /** Deletes an object bypassing authorization, e.g. to simulate drift. Namespaces cascade at once. */
  deleteObject(ref: ObjectRef): boolean;
  /** A kubeconfig (YAML) pointing at this peer with the given credentials. */
  kubeconfig(credentials: KubeconfigCredentials, namespace?: string): string;
  close(): Promise<void>;
}

/** How long a deleted namespace stays `Terminating` unless the options say otherwise. */
export const DEFAULT_NAMESPACE_TERMINATION_MS = 2000;

function typeFor(apiVersion: string, kind: string): ResourceType {
  const type = findResourceTypeByKind(apiVersion, kind);
  if (!type) throw new Error(`kube peer does not serve ${apiVersion} ${kind}`);
  return type;
}

/**
 * Starts an API-faithful local stand-in for kube-apiserver over HTTPS: client-certificate and
 * bearer-token authentication, discovery, CRUD + server-side apply for the Cluster Access
 * resources, and real RBAC with escalation prevention.
 */
export async function startKubePeer(
  options: KubePeerOptions = {},
): Promise<KubePeer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;

  const serverCa = await createCertificateAuthority({
    commonName: 'kubernetes-sandbox-ca',
  });
  const serving = await issueLeafCertificate({
    ca: serverCa,
    commonName: 'kube-apiserver',
    usage: 'server',
    dnsNames: [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
    ],
    ipAddresses: [
      '127.0.0.1',
      ...(host !== '127.0.0.1' && /^[\d.]+$/.test(host) ? [host] : []),
    ],
    ttlSeconds: 365 * 86_400,
  });

  const serviceAccounts = new ServiceAccountTokens(
    options.serviceAccountIssuer ??
      'https://kubernetes.default.svc.cluster.local',
  );
  const adminToken = randomBytes(24).toString('base64url');
  const authenticator = new Authenticator({
    clientCaPems: options.clientCaPems ?? [],
    staticTokens: {
      ...(options.staticTokens ?? {}),
      [adminToken]: {
        username: 'kubernetes-admin',
        groups: ['system:masters'],
      },
    },
    serviceAccounts,
    onReject: why => logger?.warn(`kube peer: rejected credentials: ${why}`),
  });

  const store = new ObjectStore();
  const type = (group: string, resource: string) =>
    resourceTypes.find(t => t.group === group && t.resource === resource)!;
  const clusterRoles = type('rbac.authorization.k8s.io', 'clusterroles');
  const roles = type('rbac.authorization.k8s.io', 'roles');
  const clusterRoleBindings = type(
    'rbac.authorization.k8s.io',
    'clusterrolebindings',
  );
  const roleBindings = type('rbac.authorization.k8s.io', 'rolebindings');
  const namespaces = type('', 'namespaces');
  const serviceAccountsType = type('', 'serviceaccounts');
  // The authorizer only reads: it gets the stored objects, not copies (it runs on every request).
  const source: RbacSource = {
    getClusterRole: name =>
      store.peek(clusterRoles, undefined, name) as
        | { rules?: PolicyRule[] }
        | undefined,
    getRole: (ns, name) =>
      store.peek(roles, ns, name) as { rules?: PolicyRule[] } | undefined,
    listClusterRoleBindings: () =>
      store.view(clusterRoleBindings) as unknown as BindingLike[],
    listRoleBindings: ns =>
      store.view(roleBindings, ns) as unknown as BindingLike[],
  };
  const authorizer = new RbacAuthorizer(source);
  const log = new AuthorizationLog();
  const api = new ResourceApi(
    store,
    authorizer,
    {
      namespaceTerminationMs:
        options.namespaceTerminationMs ?? DEFAULT_NAMESPACE_TERMINATION_MS,
    },
    log,
  );

  // Tokens name stored accounts: deleting (or recreating) an account revokes its tokens.
  serviceAccounts.useAccounts({
    get: (namespace, name) => {
      const account = store.peek(serviceAccountsType, namespace, name);
      return account?.metadata?.uid
        ? {
            uid: account.metadata.uid,
            deletionTimestamp: account.metadata.deletionTimestamp,
          }
        : undefined;
    },
    ensure: (namespace, name) =>
      (store.peek(serviceAccountsType, namespace, name) ??
        api.seed(serviceAccountsType, {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name, namespace },
        }))!.metadata!.uid!,
  });

  const provisioner =
    options.provisionerServiceAccount === null
      ? undefined
      : options.provisionerServiceAccount ?? {
          namespace: 'cluster-access',
          name: 'backstage',
        };
  const nsNames = [...bootstrapNamespaces];
  if (provisioner && !nsNames.includes(provisioner.namespace))
    nsNames.push(provisioner.namespace);
  for (const name of nsNames) {
    api.seed(namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
  const policy = bootstrapPolicy({ provisioner });
  for (const role of policy.clusterRoles) api.seed(clusterRoles, role);
  for (const binding of policy.clusterRoleBindings)
    api.seed(clusterRoleBindings, binding);
  api.aggregateClusterRoles();
  if (provisioner) {
    // The same admission policy operators apply with the deploy files.
    for (const obj of backendAdmissionPolicy(provisioner))
      api.seed(typeFor(obj.apiVersion!, obj.kind!), obj);
  }

  const handler = new KubeApiServer({
    api,
    authenticator,
    authorizer,
    log,
    logger,
  });
  const server = https.createServer(
    {
      key: serving.privateKeyPem,
      cert: serving.certificatePem,
      // Client certificates are verified in auth.ts against CAs that can be added at run time.
      requestCert: true,
      rejectUnauthorized: false,
    },
    handler.handle,
  );
  let connections = 0;
  server.on('secureConnection', () => {
    connections++;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  handler.url = url;
  logger?.info(`kube peer listening on ${url}`);

  const peer: KubePeer = {
    url,
    caPem: serverCa.certificatePem,
    serviceAccountIssuer: serviceAccounts.issuer,
    serviceAccountPublicKeyPem: serviceAccounts.publicKeyPem,
    adminToken,
    issueServiceAccountToken: o => serviceAccounts.issue(o),
    addClientCa: pem => authenticator.addClientCa(pem),
    addStaticToken: (token, user) => authenticator.addStaticToken(token, user),
    failNext: fault => handler.failNext(fault),
    setDelay: ms => handler.setDelay(ms),
    compact: () => api.compact(),
    requestCounts: () => handler.requestCounts(),
    listRequests: () => handler.listRequests(),
    connectionCount: () => connections,
    resetCounts: () => {
      connections = 0;
      handler.resetCounts();
      log.clear();
    },
    authorizationLog: () => log.list(),
    getObject: ref => {
      const t = typeFor(ref.apiVersion, ref.kind);
      const obj = store.get(t, ref.namespace, ref.name);
      return obj ? api.present(t, obj) : undefined;
    },
    listObjects: ref => {
      const t = typeFor(ref.apiVersion, ref.kind);
      return store.list(t, ref.namespace).map(o => api.present(t, o));
    },
    putObject: obj =>
      api.seed(typeFor(obj.apiVersion ?? '', obj.kind ?? ''), obj),
    deleteObject: ref => {
      const t = typeFor(ref.apiVersion, ref.kind);
      const removed = store.remove(t, ref.namespace, ref.name);
      if (removed && t === namespaces)
        store.removeNamespaceContents(resourceTypes, ref.name);
      if (removed && t === clusterRoles) api.aggregateClusterRoles();
      return removed;
    },
    kubeconfig: (credentials, namespace) =>
      buildKubeconfig({
        server: url,
        caPem: serverCa.certificatePem,
        credentials,
        namespace,
      }),
    close: async () => {
      api.dispose();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return peer;
}
