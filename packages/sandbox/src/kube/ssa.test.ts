import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startKubePeer, KubePeer } from './index';
import { failure, kubeConfigFor, rawRequest } from './__testUtils__/clients';

describe('kube peer server-side apply', () => {
  let peer: KubePeer;
  let objects: KubernetesObjectApi;
  let core: CoreV1Api;

  beforeAll(async () => {
    peer = await startKubePeer();
    const kc = kubeConfigFor(peer, { token: peer.adminToken });
    objects = KubernetesObjectApi.makeApiClient(kc);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'ssa' } } });
  });
  afterAll(() => peer.close());

  const apply = (obj: KubernetesObject, manager: string, force = false) =>
    objects.patch<KubernetesObject>(
      obj,
      undefined,
      undefined,
      manager,
      force,
      PatchStrategy.ServerSideApply,
    );

  const quota = (
    hard: Record<string, string>,
    labels?: Record<string, string>,
  ) => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute', namespace: 'ssa', labels },
    spec: { hard },
  });

  it('creates on first apply and is a no-op when applied again', async () => {
    const first = await apply(
      quota({ 'requests.cpu': '2' }, { a: '1' }),
      'provisioner',
    );
    expect(first.metadata?.uid).toBeTruthy();
    expect((first as any).spec.hard).toEqual({ 'requests.cpu': '2' });
    expect(first.metadata?.managedFields).toEqual([
      expect.objectContaining({
        manager: 'provisioner',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:a': {} } },
          'f:spec': { 'f:hard': { 'f:requests.cpu': {} } },
        },
      }),
    ]);

    const second = await apply(
      quota({ 'requests.cpu': '2' }, { a: '1' }),
      'provisioner',
    );
    expect(second.metadata?.resourceVersion).toBe(
      first.metadata?.resourceVersion,
    );
    expect(second.metadata?.managedFields).toEqual(
      first.metadata?.managedFields,
    );
  });

  it('refuses to change a field another manager owns unless forced', async () => {
    await apply(quota({ 'requests.cpu': '2' }, { a: '1' }), 'provisioner');
    const conflict = await failure(
      apply(quota({ 'requests.cpu': '4' }), 'someone-else'),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.status).toMatchObject({
      reason: 'Conflict',
      // An applier is named without an apiVersion (fieldmanager's printManager).
      message:
        'Apply failed with 1 conflict: conflict with "provisioner": .spec.hard.requests.cpu',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "provisioner"',
            field: '.spec.hard.requests.cpu',
          },
        ],
      },
    });

    // Agreeing on a value is shared ownership, not a conflict.
    const shared = await apply(quota({ 'requests.cpu': '2' }), 'someone-else');
    expect(shared.metadata?.managedFields?.map(m => m.manager)).toEqual([
      'provisioner',
      'someone-else',
    ]);

    const forced = await apply(
      quota({ 'requests.cpu': '4' }),
      'someone-else',
      true,
    );
    expect((forced as any).spec.hard['requests.cpu']).toBe('4');
    const provisioner = forced.metadata?.managedFields?.find(
      m => m.manager === 'provisioner',
    );
    expect(provisioner?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
    });

    // Now the provisioner is the one in conflict.
    const back = await failure(
      apply(quota({ 'requests.cpu': '2' }, { a: '1' }), 'provisioner'),
    );
    expect(back.code).toBe(409);
  });

  it('removes fields a manager stops applying, keeping fields others own', async () => {
    const cm = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'prune', namespace: 'ssa' },
      data,
    });
    await apply(cm({ a: '1', b: '2' }), 'owner');
    await core.patchNamespacedConfigMap(
      { name: 'prune', namespace: 'ssa', body: { data: { c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const pruned = await apply(cm({ a: '1' }), 'owner');
    expect((pruned as any).data).toEqual({ a: '1', c: '3' });
  });

  it('conflicts with fields set by an ordinary update', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'ssa',
      fieldManager: 'kubectl-create',
      body: { metadata: { name: 'updated' }, data: { k: 'v' } },
    });
    const conflict = await failure(
      apply(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'updated', namespace: 'ssa' },
          data: { k: 'other' },
        } as KubernetesObject,
        'provisioner',
      ),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.k',
    );
  });

  it('keys managers by name and operation: an apply conflicts with its own updates', async () => {
    const cm = (data: Record<string, string>) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'same-name', namespace: 'ssa' },
        data,
      } as KubernetesObject);
    await core.createNamespacedConfigMap({
      namespace: 'ssa',
      fieldManager: 'provisioner',
      body: { metadata: { name: 'same-name' }, data: { k: 'v', u: '1' } },
    });
    const conflict = await failure(apply(cm({ k: 'other' }), 'provisioner'));
    expect(conflict.code).toBe(409);
    expect(conflict.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "provisioner" using v1: .data.k',
    );
    expect(conflict.status.details).toEqual({
      causes: [
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "provisioner" using v1',
          field: '.data.k',
        },
      ],
    });

    // Forcing takes the field from the Update entry of the same name.
    const forced = await apply(cm({ k: 'other' }), 'provisioner', true);
    const entries = forced.metadata?.managedFields ?? [];
    expect(entries.map(m => `${m.manager} ${m.operation}`)).toEqual([
      'provisioner Update',
      'provisioner Apply',
    ]);
    const [update, applied] = entries.map(m => (m.fieldsV1 as any)['f:data']);
    expect(update['f:k']).toBeUndefined();
    expect(update['f:u']).toEqual({});
    expect(applied).toEqual({ 'f:k': {} });
  });

  it('words several conflicts as fieldmanager does, grouped by sorted manager', async () => {
    const cm = (data: Record<string, string>) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'several', namespace: 'ssa' },
        data,
      } as KubernetesObject);
    await core.createNamespacedConfigMap({
      namespace: 'ssa',
      fieldManager: 'alpha',
      body: { metadata: { name: 'several' }, data: { x: '1' } },
    });
    await apply(cm({ y: '1' }), 'beta');
    const conflict = await failure(apply(cm({ x: '2', y: '2' }), 'gamma'));
    expect(conflict.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "alpha" using v1:\n- .data.x\nconflicts with "beta":\n- .data.y',
    );
  });

  it('requires a field manager and a live namespace', async () => {
    const noManager = await failure(
      objects.patch(
        quota({ cpu: '1' }),
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(noManager.code).toBe(422);

    const missingNs = await failure(
      apply(
        {
          ...quota({ cpu: '1' }),
          metadata: { name: 'q', namespace: 'nowhere' },
        },
        'provisioner',
      ),
    );
    expect(missingNs.code).toBe(404);
  });

  it('serves KubernetesObjectApi create, read, list, replace and delete', async () => {
    const spec = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'generic', namespace: 'ssa' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    };
    const created = await objects.create<KubernetesObject>(spec);
    expect(created.metadata?.uid).toBeTruthy();
    const read = await objects.read<KubernetesObject>({
      apiVersion: spec.apiVersion,
      kind: spec.kind,
      metadata: { name: 'generic', namespace: 'ssa' },
    });
    expect((read as any).rules).toEqual(spec.rules);
    const replaced = await objects.replace<KubernetesObject>({
      ...read,
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
      ],
    } as KubernetesObject);
    expect((replaced as any).rules[0].verbs).toEqual(['get', 'list']);
    const list = await objects.list(spec.apiVersion, spec.kind, 'ssa');
    expect(list.items.map(i => i.metadata?.name)).toContain('generic');
    await objects.delete(read);
    const header = {
      apiVersion: spec.apiVersion,
      kind: spec.kind,
      metadata: { name: 'generic', namespace: 'ssa' },
    };
    expect((await failure(objects.read(header))).code).toBe(404);
  });

  it('rejects fields the kind does not declare in an apply configuration', async () => {
    // Sent raw: client-node's typed serializer would drop the misspelled field itself.
    const res = await rawRequest(peer, {
      method: 'PATCH',
      path: '/api/v1/namespaces/ssa/configmaps/typo?fieldManager=provisioner',
      headers: {
        Authorization: `Bearer ${peer.adminToken}`,
        'Content-Type': 'application/apply-patch+yaml',
      },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndta:\n  a: b\n',
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'failed to create typed patch object (ssa/typo; v1, Kind=ConfigMap): .dta: field not declared in schema',
    );
  });

  it('reads an apply body as YAML whether it is compact JSON, other JSON or YAML', async () => {
    const send = (name: string, body: string) =>
      rawRequest(peer, {
        method: 'PATCH',
        path: `/api/v1/namespaces/ssa/configmaps/${name}?fieldManager=provisioner`,
        headers: {
          Authorization: `Bearer ${peer.adminToken}`,
          'Content-Type': 'application/apply-patch+yaml',
        },
        body,
      });
    const config = (name: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'ssa', labels: { n: '1' } },
      data: { a: 'x\ny', b: '1.0' },
    });
    const compact = await send('body-a', JSON.stringify(config('body-a')));
    const pretty = await send(
      'body-b',
      JSON.stringify(config('body-b'), null, 2),
    );
    const yaml = await send(
      'body-c',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: body-c\n  namespace: ssa\n  labels: {n: "1"}\ndata:\n  a: "x\\ny"\n  b: "1.0"\n',
    );
    for (const res of [compact, pretty, yaml]) {
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({ a: 'x\ny', b: '1.0' });
      expect(res.body.metadata.managedFields[0].fieldsV1).toEqual(
        compact.body.metadata.managedFields[0].fieldsV1,
      );
    }
    // JSON.parse would keep the last of two equal keys; YAML refuses them.
    const duplicate = await send(
      'body-d',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"body-d","namespace":"ssa"},"data":{"a":"1","a":"2"}}',
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.message).toMatch(/^error decoding YAML: /);
  });
});
