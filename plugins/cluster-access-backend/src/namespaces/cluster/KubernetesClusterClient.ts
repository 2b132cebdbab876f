import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import {
  ClusterClient,
  ClusterClientProvider,
  ClusterCredentials,
  ClusterDirectory,
  ClusterSettings,
  KubeObject,
  KubeObjectType,
  ObjectRef,
} from '@cluster-access/plugin-cluster-access-node';
import {
  isExpiredContinue,
  mapKubernetesError,
  reasonOf,
  retryAfterMsOf,
} from './clusterFailures';
import { FIELD_MANAGER } from './labels';
import { timeKubernetesCall } from '../../metrics/metrics';

/**
 * Objects per page when listing. The reconciler holds one page of one kind
 * at a time, so this bounds its memory: 500 is client-go's pager default,
 * a few megabytes of parsed objects.
 */
const LIST_PAGE_SIZE = 500;
/** How often a token file is checked for a new token (projected tokens rotate hourly). */
const TOKEN_FILE_RECHECK_MS = 60_000;
/**
 * Throttling (429) is waited out in place this many times, each wait bounded;
 * a longer Retry-After, or a fourth 429, is handed to the caller as a
 * ClusterBusyError to retry later.
 */
const THROTTLE_RETRIES = 3;
const MAX_INLINE_WAIT_MS = 5_000;
/** A list whose continue token expired (410) is started again at most this often. */
const LIST_RESTARTS = 3;

/**
 * How long an idle connection to a cluster is kept open for the next call
 * (what Node's global agent does since Node 19).
 */
const IDLE_CONNECTION_MS = 5_000;
/**
 * Connections per cluster at most; more calls wait for a free one. A burst
 * of requests (each checks its name on the cluster) would otherwise open a
 * connection, and pay a handshake, per request. client-go multiplexes
 * everything over one HTTP/2 connection.
 */
const MAX_CONNECTIONS = 32;

/**
 * A KubeConfig whose calls share one keep-alive connection pool.
 * `@kubernetes/client-node` makes a new `https.Agent` for every call, so
 * every call pays a TCP connect and a full TLS handshake (and a new
 * SecureContext parsing the CA) on both ends: most of a provisioning burst's
 * CPU. Our credentials are a bearer token only, so this sets it and the
 * shared agent itself (same CA, verification on) rather than rebuilding
 * both per call.
 */
class PooledKubeConfig extends KubeConfig {
  constructor(
    private readonly agent: https.Agent,
    private readonly bearer: string,
  ) {
    super();
  }

  override async applySecurityAuthentication(
    context: Parameters<KubeConfig['applySecurityAuthentication']>[0],
  ): Promise<void> {
    context.setHeaderParam('Authorization', `Bearer ${this.bearer}`);
    context.setAgent(this.agent);
  }
}

/** Waits; replaceable in tests. */
export type Sleep = (ms: number) => Promise<void>;

/** Test seams of the client: how it waits, and how many objects a list page holds. */
export interface KubernetesClientOptions {
  sleep?: Sleep;
  pageSize?: number;
}
const realSleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

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
 * @internal
 */
export class KubernetesClusterClient implements ClusterClient {
  static create(
    config: ClusterSettings,
    options: KubernetesClientOptions = {},
  ): KubernetesClusterClient {
    if (!config.credentials) {
      throw new Error(
        `cluster ${config.name} has no serviceAccountToken or serviceAccountTokenFile`,
      );
    }
    return new KubernetesClusterClient(
      config,
      new TokenSource(config.credentials),
      options.sleep ?? realSleep,
      options.pageSize ?? LIST_PAGE_SIZE,
    );
  }

  private api?: { token: string; client: KubernetesObjectApi };
  /** Kept across token rotations: a connection is not tied to a token. */
  private readonly agent: https.Agent;

  private constructor(
    private readonly config: ClusterSettings,
    private readonly tokens: TokenSource,
    private readonly sleep: Sleep,
    private readonly pageSize: number,
  ) {
    this.agent = new https.Agent({
      keepAlive: true,
      timeout: IDLE_CONNECTION_MS,
      maxSockets: MAX_CONNECTIONS,
      ...(config.caPem ? { ca: config.caPem } : {}),
      rejectUnauthorized: true,
    });
  }

  /**
   * Runs one API call, honouring the cluster's Retry-After when it throttles
   * (429): short waits happen here, longer ones become a ClusterBusyError
   * that carries the wait. Other failures are returned as they are.
   */
  private async call<T>(
    verb: string,
    kind: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const attributes = { cluster: this.config.name, verb, kind };
    for (let attempt = 1; ; attempt++) {
      try {
        // Each attempt is timed: throttled ones show as their own outcome.
        return await timeKubernetesCall(attributes, fn, e =>
          e instanceof ApiException ? e.code : undefined,
        );
      } catch (e) {
        if (!(e instanceof ApiException) || e.code !== 429) throw e;
        const wait = retryAfterMsOf(e) ?? 1000;
        if (attempt >= THROTTLE_RETRIES || wait > MAX_INLINE_WAIT_MS) throw e;
        await this.sleep(wait);
      }
    }
  }

  get cluster(): string {
    return this.config.name;
  }

  private client(): KubernetesObjectApi {
    const token = this.tokens.token();
    if (this.api?.token === token) return this.api.client;
    const kc = new PooledKubeConfig(this.agent, token);
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
      return (await this.call('get', ref.kind, () =>
        this.client().read(this.spec(ref)),
      )) as KubeObject;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw mapKubernetesError(this.cluster, `get ${describe(ref)}`, e);
    }
  }

  async create(object: KubeObject): Promise<{ created: boolean }> {
    try {
      await this.call('create', object.kind, () =>
        this.client().create(
          object as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
        ),
      );
      return { created: true };
    } catch (e) {
      if (
        e instanceof ApiException &&
        e.code === 409 &&
        reasonOf(e) === 'AlreadyExists'
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
      return (await this.call('apply', object.kind, () =>
        this.client().patch(
          object as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        ),
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
      await this.call('delete', ref.kind, () =>
        this.client().delete(this.spec(ref)),
      );
      return true;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return false;
      throw mapKubernetesError(this.cluster, `delete ${describe(ref)}`, e);
    }
  }

  async list(
    type: KubeObjectType,
    labelSelector: string,
  ): Promise<KubeObject[]> {
    let items: KubeObject[] = [];
    await this.paged(
      type,
      labelSelector,
      async page => {
        items.push(...page);
      },
      // A list that starts again starts from nothing.
      () => (items = []),
    );
    return items;
  }

  listPages(
    type: KubeObjectType,
    labelSelector: string,
    onPage: (objects: KubeObject[]) => Promise<void>,
  ): Promise<void> {
    return this.paged(type, labelSelector, onPage, () => {});
  }

  private async paged(
    type: KubeObjectType,
    labelSelector: string,
    onPage: (objects: KubeObject[]) => Promise<void>,
    onRestart: () => void,
  ): Promise<void> {
    // What the caller does with a page fails as it failed, not as the list.
    const handler = { failure: undefined as { error: unknown } | undefined };
    const guarded = async (objects: KubeObject[]) => {
      try {
        await onPage(objects);
      } catch (error) {
        handler.failure = { error };
        throw error;
      }
    };
    for (let restarts = 0; ; restarts++) {
      try {
        await this.eachPage(type, labelSelector, guarded);
        return;
      } catch (e) {
        if (handler.failure) throw handler.failure.error;
        // An expired continue token (410) means the pages so far may be
        // inconsistent with the rest: start the list again from the top.
        if (isExpiredContinue(e) && restarts < LIST_RESTARTS) {
          onRestart();
          continue;
        }
        throw mapKubernetesError(this.cluster, `list ${type.kind}`, e);
      }
    }
  }

  private async eachPage(
    type: KubeObjectType,
    labelSelector: string,
    onPage: (objects: KubeObject[]) => Promise<void>,
  ): Promise<void> {
    const { kind } = type;
    let continueToken: string | undefined;
    do {
      const token = continueToken;
      const page = await this.call('list', kind, () =>
        this.client().list(
          type.apiVersion,
          kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          labelSelector,
          this.pageSize,
          token,
        ),
      );
      continueToken = page.metadata?._continue || undefined;
      // List items carry no apiVersion/kind of their own.
      await onPage(
        page.items.map(item => ({
          ...(item as KubeObject),
          apiVersion: type.apiVersion,
          kind,
        })),
      );
    } while (continueToken);
  }
}

/**
 * One {@link KubernetesClusterClient} per configured cluster that has
 * provisioning credentials.
 *
 * @internal
 */
export class KubernetesClusterClientProvider implements ClusterClientProvider {
  private readonly clients = new Map<
    string,
    { settings: ClusterSettings; client: ClusterClient }
  >();
  private readonly directory: ClusterDirectory;

  constructor(
    clusters: ClusterSettings[] | ClusterDirectory,
    private readonly options: KubernetesClientOptions = {},
  ) {
    this.directory = Array.isArray(clusters)
      ? {
          list: () => clusters,
          get: name => clusters.find(c => c.name === name),
        }
      : clusters;
  }

  forCluster(cluster: string): ClusterClient | undefined {
    const settings = this.directory.get(cluster);
    if (!settings?.credentials) return undefined;
    const cached = this.clients.get(cluster);
    // A catalog cluster may move or change its CA between refreshes: the
    // client follows what the directory says now.
    if (cached && sameConnection(cached.settings, settings)) {
      return cached.client;
    }
    const client = KubernetesClusterClient.create(settings, this.options);
    this.clients.set(cluster, { settings, client });
    return client;
  }
}

function sameConnection(a: ClusterSettings, b: ClusterSettings): boolean {
  return (
    a.url === b.url &&
    a.caPem === b.caPem &&
    JSON.stringify(a.credentials) === JSON.stringify(b.credentials)
  );
}
