import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  V1PolicyRule,
} from '@kubernetes/client-node';
import {
  createClientCertificateAuthority,
  startKubePeer,
  ClientCertificateAuthority,
  KubePeer,
} from './index';
import { failure, kubeConfigFor } from './__testUtils__/clients';

const rbacGroup = 'rbac.authorization.k8s.io';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/*
 * The authorization kube-apiserver does inside a write, beyond the request's own: `create` for
 * a server-side apply that creates, and escalation prevention on every update of a role or
 * binding except one that only touches GC fields. Each is recorded in the authorization log.
 */
describe('kube peer authorization inside writes', () => {
  let peer: KubePeer;
  let ca: ClientCertificateAuthority;
  let adminRbac: RbacAuthorizationV1Api;

  async function clientsFor(commonName: string) {
    const cert = await ca.issueClientCertificate({ commonName });
    const kc = kubeConfigFor(peer, cert);
    return {
      objects: KubernetesObjectApi.makeApiClient(kc),
      rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    };
  }

  beforeAll(async () => {
    ca = await createClientCertificateAuthority();
    peer = await startKubePeer({ clientCaPems: [ca.caPem] });
    const kc = kubeConfigFor(peer, { token: peer.adminToken });
    adminRbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'work' } } });
    const grant = async (user: string, rules: V1PolicyRule[]) => {
      await adminRbac.createNamespacedRole({
        namespace: 'work',
        body: { metadata: { name: user }, rules },
      });
      await adminRbac.createNamespacedRoleBinding({
        namespace: 'work',
        body: {
          metadata: { name: user },
          roleRef: { apiGroup: rbacGroup, kind: 'Role', name: user },
          subjects: [{ apiGroup: rbacGroup, kind: 'User', name: user }],
        },
      });
    };
    // patcher may patch ConfigMaps but not create them.
    await grant('patcher', [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'] },
    ]);
    // binder manages RoleBindings and Roles, with no bind, no escalate.
    await grant('binder', [
      {
        apiGroups: [rbacGroup],
        resources: ['rolebindings', 'roles'],
        verbs: ['get', 'patch', 'update'],
      },
    ]);
  });
  afterAll(() => peer.close());

  const configMap = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'work' },
    data: { a: 'b' },
  });

  it('needs create, not only patch, when a server-side apply creates the object', async () => {
    const { objects } = await clientsFor('patcher');
    const apply = (name: string) =>
      objects.patch(
        configMap(name),
        undefined,
        undefined,
        'test',
        true,
        PatchStrategy.ServerSideApply,
      );
    peer.resetCounts();
    const refused = await failure(apply('fresh'));
    expect(refused.code).toBe(403);
    // The authorizer's reason for a denial is empty, as RBAC's is.
    expect(refused.status.message).toBe('configmaps "fresh" is forbidden: ');
    expect(refused.status.details).toEqual({
      name: 'fresh',
      kind: 'configmaps',
    });

    peer.putObject(configMap('existing'));
    await apply('existing');
    const decisions = peer
      .authorizationLog()
      .filter(e => e.type === 'authorize' && e.user === 'patcher')
      .map(e => e.type === 'authorize' && `${e.stage} ${e.verb} ${e.allowed}`);
    expect(decisions).toEqual([
      'request patch true',
      'create-on-apply create false',
      'request patch true',
    ]);
  });

  it('checks escalation on every update of a binding or role, except GC-only changes', async () => {
    await adminRbac.createNamespacedRoleBinding({
      namespace: 'work',
      body: {
        metadata: { name: 'someone-admin' },
        roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'admin' },
        subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'someone' }],
      },
    });
    await adminRbac.createNamespacedRole({
      namespace: 'work',
      body: {
        metadata: { name: 'secrets' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      },
    });
    const { rbac } = await clientsFor('binder');
    const label = { metadata: { labels: { touched: 'yes' } } };
    const relabel = await failure(
      rbac.patchNamespacedRoleBinding(
        {
          name: 'someone-admin',
          namespace: 'work',
          body: label,
        },
        mergePatch,
      ),
    );
    expect(relabel.code).toBe(403);
    expect(relabel.status.message).toContain(
      'rolebindings.rbac.authorization.k8s.io "someone-admin" is forbidden: user "binder" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:',
    );
    const relabelRole = await failure(
      rbac.patchNamespacedRole(
        {
          name: 'secrets',
          namespace: 'work',
          body: label,
        },
        mergePatch,
      ),
    );
    expect(relabelRole.status.message).toContain(
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    );

    // What the garbage collector changes needs no authority over the grants.
    peer.resetCounts();
    const finalized = await rbac.patchNamespacedRoleBinding(
      {
        name: 'someone-admin',
        namespace: 'work',
        body: { metadata: { finalizers: ['example.com/keep'] } },
      },
      mergePatch,
    );
    expect(finalized.metadata?.finalizers).toEqual(['example.com/keep']);
    expect(
      peer
        .authorizationLog()
        .filter(e => e.type !== 'authorize' || e.stage !== 'request'),
    ).toEqual([]);
  });

  it('checks escalation before validation, as the rbac policybased storages do', async () => {
    await adminRbac.createNamespacedRole({
      namespace: 'work',
      body: {
        metadata: { name: 'readers' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
      },
    });
    await adminRbac.createNamespacedRoleBinding({
      namespace: 'work',
      body: {
        metadata: { name: 'helper-admin' },
        roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'admin' },
        subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'helper' }],
      },
    });
    const { rbac } = await clientsFor('binder');
    // Invalid (a label key with a space) and escalating at once: the escalation answers.
    const badLabel = { labels: { 'not a key': 'x' } };
    const role = await failure(
      rbac.patchNamespacedRole(
        {
          name: 'readers',
          namespace: 'work',
          body: {
            metadata: badLabel,
            rules: [
              { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
            ],
          },
        },
        mergePatch,
      ),
    );
    expect(role.code).toBe(403);
    expect(role.status.message).toContain(
      'roles.rbac.authorization.k8s.io "readers" is forbidden: user "binder" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:',
    );
    const binding = await failure(
      rbac.patchNamespacedRoleBinding(
        {
          name: 'helper-admin',
          namespace: 'work',
          body: { metadata: badLabel },
        },
        mergePatch,
      ),
    );
    expect(binding.code).toBe(403);
    expect(binding.status.reason).toBe('Forbidden');
    // Without the escalation, the same invalid write is refused by validation.
    const adminInvalid = await failure(
      adminRbac.patchNamespacedRoleBinding(
        {
          name: 'helper-admin',
          namespace: 'work',
          body: { metadata: badLabel },
        },
        mergePatch,
      ),
    );
    expect(adminInvalid.code).toBe(422);
  });

  it('logs the bind check and the rules a writer had to hold', async () => {
    const { rbac } = await clientsFor('binder');
    peer.resetCounts();
    // binder holds the rules of its own Role, so relabelling its binding is no escalation.
    await rbac.patchNamespacedRoleBinding(
      {
        name: 'binder',
        namespace: 'work',
        body: { metadata: { labels: { again: 'yes' } } },
      },
      mergePatch,
    );
    expect(peer.authorizationLog()).toEqual([
      {
        type: 'authorize',
        stage: 'request',
        user: 'binder',
        verb: 'patch',
        apiGroup: rbacGroup,
        resource: 'rolebindings',
        namespace: 'work',
        name: 'binder',
        allowed: true,
      },
      {
        type: 'authorize',
        stage: 'bind',
        user: 'binder',
        verb: 'bind',
        apiGroup: rbacGroup,
        resource: 'roles',
        namespace: 'work',
        name: 'binder',
        allowed: false,
      },
      {
        type: 'covers',
        user: 'binder',
        namespace: 'work',
        rules: ['rolebindings', 'roles'].flatMap(resource =>
          ['get', 'patch', 'update'].map(verb => ({
            apiGroups: [rbacGroup],
            resources: [resource],
            verbs: [verb],
          })),
        ),
        covered: true,
      },
    ]);
  });
});
