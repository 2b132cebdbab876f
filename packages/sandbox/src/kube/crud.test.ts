import {
  CoreV1Api,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startKubePeer, KubePeer } from './index';
import { failure, kubeConfigFor, rawRequest } from './__testUtils__/clients';

describe('kube peer resource semantics', () => {
  let peer: KubePeer;
  let core: CoreV1Api;
  let networking: NetworkingV1Api;

  beforeAll(async () => {
    peer = await startKubePeer();
    const kc = kubeConfigFor(peer, { token: peer.adminToken });
    core = kc.makeApiClient(CoreV1Api);
    networking = kc.makeApiClient(NetworkingV1Api);
  });
  afterAll(() => peer.close());

  const createNamespace = (name: string, labels?: Record<string, string>) =>
    core.createNamespace({ body: { metadata: { name, labels } } });

  it('creates a namespace with server-managed metadata and the immutable name label', async () => {
    const ns = await createNamespace('sem-ns', { team: 'a' });
    expect(ns.metadata).toMatchObject({
      name: 'sem-ns',
      labels: { team: 'a', 'kubernetes.io/metadata.name': 'sem-ns' },
      generation: 1,
    });
    expect(ns.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ns.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(ns.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(ns.status?.phase).toBe('Active');
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);

    const patched = await core.patchNamespace(
      {
        name: 'sem-ns',
        body: {
          metadata: { labels: { 'kubernetes.io/metadata.name': 'other' } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(
      'sem-ns',
    );
  });

  it('answers a duplicate create with 409 AlreadyExists', async () => {
    await createNamespace('sem-dup');
    const body = { metadata: { name: 'cm' }, data: { a: 'b' } };
    await core.createNamespacedConfigMap({ namespace: 'sem-dup', body });
    const err = await failure(
      core.createNamespacedConfigMap({ namespace: 'sem-dup', body }),
    );
    expect(err.code).toBe(409);
    expect(err.status).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'configmaps "cm" already exists',
      details: { name: 'cm', kind: 'configmaps' },
    });
  });

  it('answers a missing object or namespace with 404 NotFound', async () => {
    await createNamespace('sem-404');
    const missingObject = await failure(
      core.readNamespacedConfigMap({ name: 'nope', namespace: 'sem-404' }),
    );
    expect(missingObject.code).toBe(404);
    expect(missingObject.status).toMatchObject({
      reason: 'NotFound',
      message: 'configmaps "nope" not found',
    });

    const createInMissing = await failure(
      core.createNamespacedConfigMap({
        namespace: 'does-not-exist',
        body: { metadata: { name: 'x' } },
      }),
    );
    expect(createInMissing.code).toBe(404);
    expect(createInMissing.status.message).toBe(
      'namespaces "does-not-exist" not found',
    );

    const missingNs = await failure(
      core.readNamespace({ name: 'does-not-exist' }),
    );
    expect(missingNs.code).toBe(404);
  });

  it('rejects invalid names and objects with 422 Invalid', async () => {
    const badNs = await failure(createNamespace('Bad_Name'));
    expect(badNs.code).toBe(422);
    expect(badNs.status.reason).toBe('Invalid');
    expect(badNs.status.message).toContain(
      'Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label',
    );
    expect(badNs.status.details.causes[0]).toMatchObject({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
    });

    await createNamespace('sem-422');
    const badCm = await failure(
      core.createNamespacedConfigMap({
        namespace: 'sem-422',
        body: { metadata: { name: 'has.dots_and_UNDERSCORE' } },
      }),
    );
    expect(badCm.code).toBe(422);
    expect(badCm.status.message).toContain('RFC 1123 subdomain');

    // Something that is not a quantity fails decoding, before any validation.
    const badQuota = await failure(
      core.createNamespacedResourceQuota({
        namespace: 'sem-422',
        body: {
          metadata: { name: 'q' },
          spec: { hard: { cpu: 'lots!' as any } },
        },
      }),
    );
    expect(badQuota.code).toBe(400);
    expect(badQuota.status.message).toBe(
      `ResourceQuota in version "v1" cannot be handled as a ResourceQuota: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  });

  it('answers a stale resourceVersion on update with 409 Conflict', async () => {
    await createNamespace('sem-rv');
    const created = await core.createNamespacedConfigMap({
      namespace: 'sem-rv',
      body: { metadata: { name: 'cm' }, data: { v: '1' } },
    });
    const updated = await core.replaceNamespacedConfigMap({
      name: 'cm',
      namespace: 'sem-rv',
      body: { ...created, data: { v: '2' } },
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
    expect(updated.metadata?.generation).toBe(2);

    const stale = await failure(
      core.replaceNamespacedConfigMap({
        name: 'cm',
        namespace: 'sem-rv',
        body: { ...created, data: { v: '3' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again',
    });

    // An update that changes nothing is a no-op: resourceVersion stays.
    const same = await core.replaceNamespacedConfigMap({
      name: 'cm',
      namespace: 'sem-rv',
      body: updated,
    });
    expect(same.metadata?.resourceVersion).toBe(
      updated.metadata?.resourceVersion,
    );
  });

  it('filters lists by label and field selectors', async () => {
    await createNamespace('sem-sel');
    const mk = (name: string, labels: Record<string, string>) =>
      core.createNamespacedConfigMap({
        namespace: 'sem-sel',
        body: { metadata: { name, labels } },
      });
    await mk('a', { tier: 'web', env: 'prod' });
    await mk('b', { tier: 'db', env: 'prod' });
    await mk('c', { tier: 'web', env: 'dev', legacy: 'yes' });
    await mk('d', {});

    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (
        await core.listNamespacedConfigMap({
          namespace: 'sem-sel',
          labelSelector,
          fieldSelector,
        })
      ).items.map(i => i.metadata?.name);

    expect(await names()).toEqual(['a', 'b', 'c', 'd']);
    expect(await names('tier=web')).toEqual(['a', 'c']);
    expect(await names('tier==web,env=prod')).toEqual(['a']);
    expect(await names('tier!=web')).toEqual(['b', 'd']);
    expect(await names('tier in (db, web),env notin (dev)')).toEqual([
      'a',
      'b',
    ]);
    expect(await names('legacy')).toEqual(['c']);
    expect(await names('!legacy,tier')).toEqual(['a', 'b']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    expect(await names(undefined, 'metadata.name!=b')).toEqual(['a', 'c', 'd']);

    const bad = await failure(
      core.listNamespacedConfigMap({
        namespace: 'sem-sel',
        fieldSelector: 'spec.foo=bar',
      }),
    );
    expect(bad.code).toBe(400);
    expect(bad.status.message).toBe('field label not supported: spec.foo');
    const malformed = await failure(
      core.listNamespacedConfigMap({
        namespace: 'sem-sel',
        labelSelector: 'tier in web',
      }),
    );
    expect(malformed.code).toBe(400);
    expect(malformed.status.reason).toBe('BadRequest');

    const list = await core.listNamespacedConfigMap({ namespace: 'sem-sel' });
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('pages lists with limit and continue', async () => {
    await createNamespace('sem-page');
    for (const name of ['p1', 'p2', 'p3']) {
      await core.createNamespacedConfigMap({
        namespace: 'sem-page',
        body: { metadata: { name } },
      });
    }
    const first = await core.listNamespacedConfigMap({
      namespace: 'sem-page',
      limit: 2,
    });
    expect(first.items.map(i => i.metadata?.name)).toEqual(['p1', 'p2']);
    const rest = await core.listNamespacedConfigMap({
      namespace: 'sem-page',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(rest.items.map(i => i.metadata?.name)).toEqual(['p3']);
    expect(rest.metadata?._continue).toBeUndefined();
  });

  it('serves every page of a paged list at the revision of its first page', async () => {
    await createNamespace('sem-snap');
    for (const name of ['s1', 's2', 's3', 's4']) {
      await core.createNamespacedConfigMap({
        namespace: 'sem-snap',
        body: { metadata: { name } },
      });
    }
    const first = await core.listNamespacedConfigMap({
      namespace: 'sem-snap',
      limit: 2,
    });
    expect(first.metadata?.remainingItemCount).toBe(2);
    // Changes after the first page: neither is seen by the rest of this list.
    await core.deleteNamespacedConfigMap({ namespace: 'sem-snap', name: 's4' });
    await core.createNamespacedConfigMap({
      namespace: 'sem-snap',
      body: { metadata: { name: 's5' } },
    });
    const rest = await core.listNamespacedConfigMap({
      namespace: 'sem-snap',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(rest.items.map(i => i.metadata?.name)).toEqual(['s3', 's4']);
    expect(rest.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(rest.metadata?._continue).toBeUndefined();

    // An exact read at that revision sees the same; a fresh list sees the changes.
    const exact = await core.listNamespacedConfigMap({
      namespace: 'sem-snap',
      resourceVersion: first.metadata?.resourceVersion,
      resourceVersionMatch: 'Exact',
    });
    expect(exact.items.map(i => i.metadata?.name)).toEqual([
      's1',
      's2',
      's3',
      's4',
    ]);
    const now = await core.listNamespacedConfigMap({ namespace: 'sem-snap' });
    expect(now.items.map(i => i.metadata?.name)).toEqual(['s1', 's2', 's3', 's5']);
  });

  it('refuses resourceVersion with continue, and one from the future, as kube-apiserver does', async () => {
    await createNamespace('sem-rvlist');
    for (const name of ['r1', 'r2']) {
      await core.createNamespacedConfigMap({
        namespace: 'sem-rvlist',
        body: { metadata: { name } },
      });
    }
    const first = await core.listNamespacedConfigMap({
      namespace: 'sem-rvlist',
      limit: 1,
    });
    const withRv = await failure(
      core.listNamespacedConfigMap({
        namespace: 'sem-rvlist',
        _continue: first.metadata?._continue,
        resourceVersion: first.metadata?.resourceVersion,
      }),
    );
    expect(withRv.code).toBe(400);
    expect(withRv.status.message).toBe(
      'specifying resource version is not allowed when using continue',
    );
    const matchWithContinue = await failure(
      core.listNamespacedConfigMap({
        namespace: 'sem-rvlist',
        _continue: first.metadata?._continue,
        resourceVersionMatch: 'NotOlderThan',
      }),
    );
    expect(matchWithContinue.code).toBe(422);
    expect(matchWithContinue.status.message).toContain(
      'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
    );
    const future = String(Number(first.metadata?.resourceVersion) + 1000);
    const tooLarge = await failure(
      core.listNamespacedConfigMap({
        namespace: 'sem-rvlist',
        resourceVersion: future,
        resourceVersionMatch: 'NotOlderThan',
      }),
    );
    expect(tooLarge.code).toBe(504);
    expect(tooLarge.status.message).toMatch(
      new RegExp(`^Timeout: Too large resource version: ${future}, current: `),
    );
  });

  it('supports merge, strategic-merge and JSON patches', async () => {
    await createNamespace('sem-patch');
    await core.createNamespacedConfigMap({
      namespace: 'sem-patch',
      body: { metadata: { name: 'cm' }, data: { a: '1', b: '2' } },
    });
    const merged = await core.patchNamespacedConfigMap(
      {
        name: 'cm',
        namespace: 'sem-patch',
        body: { data: { a: null, c: '3' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ b: '2', c: '3' });

    const strategic = await core.patchNamespacedConfigMap(
      { name: 'cm', namespace: 'sem-patch', body: { data: { d: '4' } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.data).toEqual({ b: '2', c: '3', d: '4' });

    const json = await core.patchNamespacedConfigMap(
      {
        name: 'cm',
        namespace: 'sem-patch',
        body: [
          { op: 'replace', path: '/data/b', value: 'two' },
          { op: 'remove', path: '/data/c' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(json.data).toEqual({ b: 'two', d: '4' });

    const missing = await failure(
      core.patchNamespacedConfigMap(
        { name: 'ghost', namespace: 'sem-patch', body: { data: {} } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(missing.code).toBe(404);
  });

  it('cascades a namespace delete to everything inside it', async () => {
    await createNamespace('sem-del');
    await core.createNamespacedConfigMap({
      namespace: 'sem-del',
      body: { metadata: { name: 'cm' } },
    });
    await networking.createNamespacedNetworkPolicy({
      namespace: 'sem-del',
      body: { metadata: { name: 'deny' }, spec: { podSelector: {} } },
    });
    const deleted = await core.deleteNamespace({ name: 'sem-del' });
    expect((deleted as any).status?.phase).toBe('Terminating');

    const deadline = Date.now() + 10_000;
    while (
      (await core.listNamespace()).items.some(
        n => n.metadata?.name === 'sem-del',
      )
    ) {
      if (Date.now() > deadline) throw new Error('sem-del was never removed');
      await new Promise(r => setTimeout(r, 100));
    }
    expect((await failure(core.readNamespace({ name: 'sem-del' }))).code).toBe(
      404,
    );
    // Recreating the namespace must not resurrect its old contents.
    await createNamespace('sem-del');
    const cms = await core.listNamespacedConfigMap({ namespace: 'sem-del' });
    expect(cms.items).toEqual([]);
    const policies = await networking.listNamespacedNetworkPolicy({
      namespace: 'sem-del',
    });
    expect(policies.items).toEqual([]);

    const protectedNs = await failure(
      core.deleteNamespace({ name: 'default' }),
    );
    expect(protectedNs.code).toBe(403);
    // The poll above allows 10 s for the removal: the test may take as long.
  }, 20_000);

  it('deletes objects with a Success status and honours preconditions', async () => {
    await createNamespace('sem-rm');
    const cm = await core.createNamespacedConfigMap({
      namespace: 'sem-rm',
      body: { metadata: { name: 'cm' } },
    });
    const stale = await failure(
      core.deleteNamespacedConfigMap({
        name: 'cm',
        namespace: 'sem-rm',
        body: { preconditions: { resourceVersion: '1' } },
      }),
    );
    expect(stale.code).toBe(409);
    const status = await core.deleteNamespacedConfigMap({
      name: 'cm',
      namespace: 'sem-rm',
    });
    expect(status).toMatchObject({
      status: 'Success',
      details: { name: 'cm', kind: 'configmaps', uid: cm.metadata?.uid },
    });
    expect(
      peer.getObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'sem-rm',
        name: 'cm',
      }),
    ).toBeUndefined();
  });

  it('reports quota usage from object counts and enforces count quotas', async () => {
    await createNamespace('sem-quota');
    await core.createNamespacedResourceQuota({
      namespace: 'sem-quota',
      body: {
        metadata: { name: 'q' },
        spec: { hard: { 'count/configmaps': '1', 'requests.cpu': '2' } },
      },
    });
    await core.createNamespacedConfigMap({
      namespace: 'sem-quota',
      body: { metadata: { name: 'one' } },
    });
    const quota = await core.readNamespacedResourceQuota({
      name: 'q',
      namespace: 'sem-quota',
    });
    expect(quota.status).toEqual({
      hard: { 'count/configmaps': '1', 'requests.cpu': '2' },
      used: { 'count/configmaps': '1', 'requests.cpu': '0' },
    });
    const over = await failure(
      core.createNamespacedConfigMap({
        namespace: 'sem-quota',
        body: { metadata: { name: 'two' } },
      }),
    );
    expect(over.code).toBe(403);
    expect(over.status.message).toBe(
      'configmaps "two" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1',
    );
  });

  it('generates names and supports dry runs', async () => {
    await createNamespace('sem-gen');
    const cm = await core.createNamespacedConfigMap({
      namespace: 'sem-gen',
      body: { metadata: { generateName: 'cfg-' } },
    });
    expect(cm.metadata?.name).toMatch(/^cfg-[a-z0-9]{5}$/);

    const dry = await core.createNamespacedConfigMap({
      namespace: 'sem-gen',
      dryRun: 'All',
      body: { metadata: { name: 'dry' } },
    });
    expect(dry.metadata?.name).toBe('dry');
    expect(
      peer.getObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'sem-gen',
        name: 'dry',
      }),
    ).toBeUndefined();
  });

  it('defaults networkpolicy policyTypes and validates limit ranges', async () => {
    await createNamespace('sem-np');
    const np = await networking.createNamespacedNetworkPolicy({
      namespace: 'sem-np',
      body: {
        metadata: { name: 'egress' },
        spec: { podSelector: {}, egress: [{}] },
      },
    });
    expect(np.spec?.policyTypes).toEqual(['Ingress', 'Egress']);

    const lr = await core.createNamespacedLimitRange({
      namespace: 'sem-np',
      body: {
        metadata: { name: 'limits' },
        spec: {
          limits: [{ type: 'Container', _default: { cpu: '500m' } }],
        },
      },
    });
    expect(lr.spec?.limits[0]._default).toEqual({ cpu: '500m' });
    // SetDefaults_LimitRangeItem: the default limit is also the default request.
    expect(lr.spec?.limits[0].defaultRequest).toEqual({ cpu: '500m' });
  });

  it('drops unknown fields, warning about them or refusing them when strict', async () => {
    await createNamespace('sem-unknown');
    const post = (fieldValidation: string) =>
      rawRequest(peer, {
        method: 'POST',
        path: `/api/v1/namespaces/sem-unknown/configmaps?fieldValidation=${fieldValidation}`,
        headers: {
          Authorization: `Bearer ${peer.adminToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `cm-${fieldValidation.toLowerCase()}`,
            colour: 'red',
          },
          dta: { a: 'b' },
        }),
      });
    const strict = await post('Strict');
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe(
      'strict decoding error: unknown field "metadata.colour", unknown field "dta"',
    );
    const warn = await post('Warn');
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toBe(
      '299 - "unknown field \\"metadata.colour\\"", 299 - "unknown field \\"dta\\""',
    );
    expect(warn.body.dta).toBeUndefined();
    expect(warn.body.metadata.colour).toBeUndefined();
  });

  it('answers requests without credentials with 401 Unauthorized', async () => {
    const anonymous = kubeConfigFor(peer).makeApiClient(CoreV1Api);
    expect((await failure(anonymous.listNamespace())).code).toBe(401);
    const raw = await rawRequest(peer, { path: '/api/v1/namespaces' });
    expect(raw.status).toBe(401);
    expect(raw.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    const badToken = kubeConfigFor(peer, {
      token: 'not-a-token',
    }).makeApiClient(CoreV1Api);
    expect((await failure(badToken.listNamespace())).code).toBe(401);
  });
});

describe('kube peer namespace termination', () => {
  let peer: KubePeer;
  let core: CoreV1Api;

  beforeAll(async () => {
    peer = await startKubePeer({ namespaceTerminationMs: 300 });
    core = kubeConfigFor(peer, { token: peer.adminToken }).makeApiClient(
      CoreV1Api,
    );
  });
  afterAll(() => peer.close());

  it('keeps a deleted namespace Terminating for a while, refusing new content', async () => {
    await core.createNamespace({ body: { metadata: { name: 'going' } } });
    await core.createNamespacedConfigMap({
      namespace: 'going',
      body: { metadata: { name: 'old' } },
    });
    await core.deleteNamespace({ name: 'going' });

    const terminating = await core.readNamespace({ name: 'going' });
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const refused = await failure(
      core.createNamespacedConfigMap({
        namespace: 'going',
        body: { metadata: { name: 'new' } },
      }),
    );
    expect(refused.code).toBe(403);
    expect(refused.status.message).toBe(
      'configmaps "new" is forbidden: unable to create new content in namespace going because it is being terminated',
    );

    const deadline = Date.now() + 5000;
    let code = 200;
    while (Date.now() < deadline && code !== 404) {
      await new Promise(r => setTimeout(r, 50));
      code = await core
        .readNamespace({ name: 'going' })
        .then(() => 200)
        .catch(e => e.code);
    }
    expect(code).toBe(404);
    expect(
      peer.listObjects({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'going',
      }),
    ).toEqual([]);
  });
});
