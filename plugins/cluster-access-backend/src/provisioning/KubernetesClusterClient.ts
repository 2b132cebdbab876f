import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { readFileSync, statSync } from 'node:fs';
import {
  ClusterCredentials,
  ProvisioningClusterConfig,
} from '../namespaces/config';
import {
  ClusterClient,
  ClusterClientProvider,
  ObjectRef,
} from './ClusterClient';
import { FIELD_MANAGER } from './labels';
import { KubeObject, MANAGED_KINDS, ManagedKind } from './manifests';

/**
 * Objects per page when listing. Large pages keep a reconcile of 1,000
 * namespaces to one request per kind (two for RoleBindings, six per
 * namespace), while still bounding a single response.
 */
const LIST_PAGE_SIZE = 5000;
/** How often a token file is checked for a new token (projected tokens rotate hourly). */
const TOKEN_FILE_RECHECK_MS = 60_000;

function statusOf(error: ApiException<unknown>): {
  reason?: string;
  message?: string;
} {
  const body =
    typeof error.body === 'string'
      ? (() => {
          try {
            return JSON.parse(error.body as string);
          } catch {
            return { message: error.body };
          }
        })()
      : error.body;
  return (body ?? {}) as { reason?: string; message?: string };
}

/**
 * Maps a client-node failure to an `@backstage/errors` type whose message
 * names the cluster, the operation and the API server's own reason. Never
 * includes request headers (which carry the token).
 */
export function mapKubernetesError(
  cluster: string,
  operation: string,
  error: unknown,
): Error {
  if (error instanceof ApiException) {
    const status = statusOf(error);
    const text = `cluster ${cluster}: ${operation} failed with ${error.code}${
      status.reason ? ` ${status.reason}` : ''
    }: ${status.message ?? 'no message'}`;
    if (error.code === 409) return new ConflictError(text);
    if (error.code === 400 || error.code === 422) return new InputError(text);
    return new ServiceUnavailableError(text);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ServiceUnavailableError(
    `cluster ${cluster}: ${operation} failed: ${message}`,
  );
}

function describe(ref: { kind: string; namespace?: string; name: string }) {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/**
 * Reads the bearer token, re-reading a token file when it changed on disk so
 * that rotated service-account tokens are picked up without a restart.
 */
class TokenSource {
  private cached?: { token: string; mtimeMs: number; checkedAt: number };

  constructor(private readonly credentials: ClusterCredentials) {}

  token(now = Date.now()): string {
    if (this.credentials.type === 'token') return this.credentials.token;
    const file = this.credentials.tokenFile;
    if (this.cached && now - this.cached.checkedAt < TOKEN_FILE_RECHECK_MS) {
      return this.cached.token;
    }
    const { mtimeMs } = statSync(file);
    if (!this.cached || this.cached.mtimeMs !== mtimeMs) {
      this.cached = {
        token: readFileSync(file, 'utf8').trim(),
        mtimeMs,
        checkedAt: now,
      };
    } else {
      this.cached.checkedAt = now;
    }
    return this.cached.token;
  }
}

/**
 * {@link ClusterClient} over `@kubernetes/client-node`.
 *
 * @public
 */
export class KubernetesClusterClient implements ClusterClient {
  static create(config: ProvisioningClusterConfig): KubernetesClusterClient {
    if (!config.credentials) {
      throw new Error(
        `cluster ${config.name} has no serviceAccountToken or serviceAccountTokenFile`,
      );
    }
    return new KubernetesClusterClient(
      config,
      new TokenSource(config.credentials),
    );
  }

  private api?: { token: string; client: KubernetesObjectApi };

  private constructor(
    private readonly config: ProvisioningClusterConfig,
    private readonly tokens: TokenSource,
  ) {}

  get cluster(): string {
    return this.config.name;
  }

  private client(): KubernetesObjectApi {
    const token = this.tokens.token();
    if (this.api?.token === token) return this.api.client;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: this.config.name,
          server: this.config.url,
          ...(this.config.caPem
            ? { caData: Buffer.from(this.config.caPem).toString('base64') }
            : {}),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'cluster-access', token }],
      contexts: [
        {
          name: 'cluster-access',
          cluster: this.config.name,
          user: 'cluster-access',
        },
      ],
      currentContext: 'cluster-access',
    });
    this.api = { token, client: KubernetesObjectApi.makeApiClient(kc) };
    return this.api.client;
  }

  private spec(ref: ObjectRef) {
    return {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: {
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
      },
    };
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.client().read(this.spec(ref))) as KubeObject;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw mapKubernetesError(this.cluster, `get ${describe(ref)}`, e);
    }
  }

  async create(object: KubeObject): Promise<{ created: boolean }> {
    try {
      await this.client().create(
        object as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
      );
      return { created: true };
    } catch (e) {
      if (
        e instanceof ApiException &&
        e.code === 409 &&
        statusOf(e).reason === 'AlreadyExists'
      ) {
        return { created: false };
      }
      throw mapKubernetesError(
        this.cluster,
        `create ${describe({ ...object.metadata, kind: object.kind })}`,
        e,
      );
    }
  }

  async apply(object: KubeObject): Promise<KubeObject> {
    try {
      return (await this.client().patch(
        object as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      )) as KubeObject;
    } catch (e) {
      throw mapKubernetesError(
        this.cluster,
        `apply ${describe({ ...object.metadata, kind: object.kind })}`,
        e,
      );
    }
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.client().delete(this.spec(ref));
      return true;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return false;
      throw mapKubernetesError(this.cluster, `delete ${describe(ref)}`, e);
    }
  }

  async list(kind: ManagedKind, labelSelector: string): Promise<KubeObject[]> {
    const type = MANAGED_KINDS.find(k => k.kind === kind)!;
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    try {
      do {
        const page = await this.client().list(
          type.apiVersion,
          kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          labelSelector,
          LIST_PAGE_SIZE,
          continueToken,
        );
        for (const item of page.items) {
          // List items carry no apiVersion/kind of their own.
          items.push({
            ...(item as KubeObject),
            apiVersion: type.apiVersion,
            kind,
          });
        }
        continueToken = page.metadata?._continue || undefined;
      } while (continueToken);
    } catch (e) {
      throw mapKubernetesError(this.cluster, `list ${kind}`, e);
    }
    return items;
  }
}

/**
 * One {@link KubernetesClusterClient} per configured cluster that has
 * provisioning credentials.
 *
 * @public
 */
export class KubernetesClusterClientProvider implements ClusterClientProvider {
  private readonly clients = new Map<string, ClusterClient>();

  constructor(clusters: ProvisioningClusterConfig[]) {
    for (const cluster of clusters) {
      if (cluster.credentials) {
        this.clients.set(cluster.name, KubernetesClusterClient.create(cluster));
      }
    }
  }

  forCluster(cluster: string): ClusterClient | undefined {
    return this.clients.get(cluster);
  }
}
