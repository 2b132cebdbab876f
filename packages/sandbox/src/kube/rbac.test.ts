import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  V1RoleBinding,
} from '@kubernetes/client-node';
import {
  createClientCertificateAuthority,
  startKubePeer,
  ClientCertificateAuthority,
  KubePeer,
} from './index';
import { failure, kubeConfigFor } from './__testUtils__/clients';

const rbacGroup = 'rbac.authorization.k8s.io';

describe('kube peer RBAC', () => {
  let peer: KubePeer;
  let ca: ClientCertificateAuthority;
  let adminCore: CoreV1Api;
  let adminRbac: RbacAuthorizationV1Api;
  const provisionerToken = 'provisioner-token';

  async function clientsFor(commonName: string, organizations: string[] = []) {
    const cert = await ca.issueClientCertificate({ commonName, organizations });
    const kc = kubeConfigFor(peer, cert);
    return {
      core: kc.makeApiClient(CoreV1Api),
      rbac: kc.makeApiClient(RbacAuthorizationV1Api),
      authz: kc.makeApiClient(AuthorizationV1Api),
      authn: kc.makeApiClient(AuthenticationV1Api),
    };
  }

  const binding = (
    name: string,
    roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
    subjects: V1RoleBinding['subjects'],
  ): V1RoleBinding => ({
    metadata: { name },
    roleRef: { apiGroup: rbacGroup, ...roleRef },
    subjects,
  });

  beforeAll(async () => {
    ca = await createClientCertificateAuthority();
    peer = await startKubePeer({
      clientCaPems: [ca.caPem],
      staticTokens: {
        [provisionerToken]: {
          username: 'system:serviceaccount:cluster-access:backstage',
          groups: [
            'system:serviceaccounts',
            'system:serviceaccounts:cluster-access',
          ],
        },
      },
    });
    const kc = kubeConfigFor(peer, { token: peer.adminToken });
    adminCore = kc.makeApiClient(CoreV1Api);
    adminRbac = kc.makeApiClient(RbacAuthorizationV1Api);
    for (const name of ['team-a', 'team-b']) {
      await adminCore.createNamespace({ body: { metadata: { name } } });
    }
    await adminRbac.createNamespacedRoleBinding({
      namespace: 'team-a',
      body: binding('developers-edit', { kind: 'ClusterRole', name: 'edit' }, [
        { kind: 'Group', name: 'developers', apiGroup: rbacGroup },
      ]),
    });
  });
  afterAll(() => peer.close());

  it('allows what a group RoleBinding to edit grants, and nothing else', async () => {
    const alice = await clientsFor('alice', ['team-a', 'developers']);
    await alice.core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: { metadata: { name: 'allowed' } },
    });

    const otherNs = await failure(
      alice.core.createNamespacedConfigMap({
        namespace: 'team-b',
        body: { metadata: { name: 'denied' } },
      }),
    );
    expect(otherNs.code).toBe(403);
    expect(otherNs.status).toMatchObject({
      reason: 'Forbidden',
      message:
        'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "team-b"',
      details: { kind: 'configmaps' },
    });

    const named = await failure(
      alice.core.readNamespacedConfigMap({ name: 'x', namespace: 'team-b' }),
    );
    expect(named.status.message).toBe(
      'configmaps "x" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "team-b"',
    );

    const clusterScope = await failure(alice.core.listNamespace());
    expect(clusterScope.status.message).toBe(
      'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope',
    );

    // edit deliberately cannot touch RBAC in the namespace.
    const rbacWrite = await failure(
      alice.rbac.createNamespacedRole({
        namespace: 'team-a',
        body: { metadata: { name: 'r' }, rules: [] },
      }),
    );
    expect(rbacWrite.status.message).toBe(
      'roles.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "team-a"',
    );

    // The namespace object itself is authorized with its own name as namespace, and view/edit
    // grant get on namespaces.
    const ns = await alice.core.readNamespace({ name: 'team-a' });
    expect(ns.metadata?.name).toBe('team-a');
  });

  it('answers self and subject access reviews like the authorizer decides', async () => {
    const alice = await clientsFor('alice', ['team-a', 'developers']);
    const review = (namespace: string) =>
      alice.authz.createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              namespace,
              verb: 'create',
              resource: 'configmaps',
            },
          },
        },
      });
    const yes = await review('team-a');
    expect(yes.status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "developers-edit/team-a" of ClusterRole "edit" to Group "developers"',
    });
    expect((await review('team-b')).status?.allowed).toBe(false);

    const discovery = await alice.authz.createSelfSubjectAccessReview({
      body: { spec: { nonResourceAttributes: { path: '/apis', verb: 'get' } } },
    });
    expect(discovery.status?.allowed).toBe(true);

    // Only those allowed to create subjectaccessreviews may ask about others.
    expect(
      (
        await failure(
          alice.authz.createSubjectAccessReview({
            body: {
              spec: {
                user: 'bob',
                resourceAttributes: { verb: 'get', resource: 'pods' },
              },
            },
          }),
        )
      ).code,
    ).toBe(403);
    const adminAuthz = kubeConfigFor(peer, {
      token: peer.adminToken,
    }).makeApiClient(AuthorizationV1Api);
    const sar = await adminAuthz.createSubjectAccessReview({
      body: {
        spec: {
          user: 'carol',
          groups: ['developers'],
          resourceAttributes: {
            namespace: 'team-a',
            verb: 'delete',
            resource: 'configmaps',
          },
        },
      },
    });
    expect(sar.status?.allowed).toBe(true);

    const rules = await alice.authz.createSelfSubjectRulesReview({
      body: { spec: { namespace: 'team-a' } },
    });
    expect(rules.status?.resourceRules).toContainEqual(
      expect.objectContaining({
        apiGroups: [''],
        resources: expect.arrayContaining(['configmaps']),
      }),
    );
  });

  it('reports the caller in a SelfSubjectReview', async () => {
    const alice = await clientsFor('alice', ['team-a', 'developers']);
    const review = await alice.authn.createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo).toEqual({
      username: 'alice',
      groups: ['team-a', 'developers', 'system:authenticated'],
    });
  });

  it('refuses RoleBindings that grant more than the creator holds, unless bind allows it', async () => {
    await adminRbac.createNamespacedRole({
      namespace: 'team-a',
      body: {
        metadata: { name: 'binder' },
        rules: [
          {
            apiGroups: [rbacGroup],
            resources: ['rolebindings'],
            verbs: ['create', 'get'],
          },
        ],
      },
    });
    await adminRbac.createNamespacedRoleBinding({
      namespace: 'team-a',
      body: binding('bob-binder', { kind: 'Role', name: 'binder' }, [
        { kind: 'User', name: 'bob', apiGroup: rbacGroup },
      ]),
    });
    const bob = await clientsFor('bob');
    const grant = (name: string, role: string) =>
      bob.rbac.createNamespacedRoleBinding({
        namespace: 'team-a',
        body: binding(name, { kind: 'ClusterRole', name: role }, [
          { kind: 'User', name: 'mallory', apiGroup: rbacGroup },
        ]),
      });

    for (const role of ['admin', 'cluster-admin']) {
      const refused = await failure(grant(`mallory-${role}`, role));
      expect(refused.code).toBe(403);
      expect(refused.status.reason).toBe('Forbidden');
      expect(refused.status.message).toMatch(
        new RegExp(
          `^rolebindings\\.rbac\\.authorization\\.k8s\\.io "mallory-${role}" is forbidden: user "bob" \\(groups=\\["system:authenticated"\\]\\) is attempting to grant RBAC permissions not currently held:\\n\\{`,
        ),
      );
    }
    const clusterAdminRefusal = await failure(
      grant('mallory-cluster-admin', 'cluster-admin'),
    );
    expect(clusterAdminRefusal.status.message).toContain(
      '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
    );

    // bind on exactly `edit` lets bob hand out edit, and only edit.
    await adminRbac.replaceNamespacedRole({
      name: 'binder',
      namespace: 'team-a',
      body: {
        metadata: { name: 'binder' },
        rules: [
          {
            apiGroups: [rbacGroup],
            resources: ['rolebindings'],
            verbs: ['create', 'get'],
          },
          {
            apiGroups: [rbacGroup],
            resources: ['clusterroles'],
            verbs: ['bind'],
            resourceNames: ['edit'],
          },
        ],
      },
    });
    const granted = await grant('mallory-edit', 'edit');
    expect(granted.roleRef.name).toBe('edit');
    expect((await failure(grant('mallory-admin-2', 'admin'))).code).toBe(403);

    // Holding every permission of the role is the other way to be allowed to bind it.
    await adminRbac.createNamespacedRole({
      namespace: 'team-a',
      body: {
        metadata: { name: 'rb-reader' },
        rules: [
          {
            apiGroups: [rbacGroup],
            resources: ['rolebindings'],
            verbs: ['get'],
          },
        ],
      },
    });
    const subset = await bob.rbac.createNamespacedRoleBinding({
      namespace: 'team-a',
      body: binding('mallory-reader', { kind: 'Role', name: 'rb-reader' }, [
        { kind: 'User', name: 'mallory', apiGroup: rbacGroup },
      ]),
    });
    expect(subset.metadata?.name).toBe('mallory-reader');
  });

  it('refuses Roles that grant more than the creator holds, unless escalate allows it', async () => {
    await adminRbac.createNamespacedRole({
      namespace: 'team-b',
      body: {
        metadata: { name: 'role-writer' },
        rules: [
          {
            apiGroups: [rbacGroup],
            resources: ['roles'],
            verbs: ['create', 'update'],
          },
          {
            apiGroups: [''],
            resources: ['configmaps'],
            verbs: ['get', 'list'],
          },
        ],
      },
    });
    await adminRbac.createNamespacedRoleBinding({
      namespace: 'team-b',
      body: binding(
        'carol-role-writer',
        { kind: 'Role', name: 'role-writer' },
        [{ kind: 'User', name: 'carol', apiGroup: rbacGroup }],
      ),
    });
    const carol = await clientsFor('carol', ['auditors']);
    const createRole = (name: string, verbs: string[]) =>
      carol.rbac.createNamespacedRole({
        namespace: 'team-b',
        body: {
          metadata: { name },
          rules: [{ apiGroups: [''], resources: ['configmaps'], verbs }],
        },
      });

    await createRole('reader', ['get']);
    const refused = await failure(
      createRole('deleter', ['get', 'delete', 'patch']),
    );
    expect(refused.code).toBe(403);
    expect(refused.status.message).toBe(
      'roles.rbac.authorization.k8s.io "deleter" is forbidden: user "carol" (groups=["auditors" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["configmaps"], Verbs:["delete" "patch"]}',
    );

    await adminRbac.createNamespacedRole({
      namespace: 'team-b',
      body: {
        metadata: { name: 'escalator' },
        rules: [
          { apiGroups: [rbacGroup], resources: ['roles'], verbs: ['escalate'] },
        ],
      },
    });
    await adminRbac.createNamespacedRoleBinding({
      namespace: 'team-b',
      body: binding('carol-escalator', { kind: 'Role', name: 'escalator' }, [
        { kind: 'Group', name: 'auditors', apiGroup: rbacGroup },
      ]),
    });
    const escalated = await createRole('deleter', ['get', 'delete', 'patch']);
    expect(escalated.rules?.[0].verbs).toEqual(['get', 'delete', 'patch']);
  });

  it('lets the provisioner service account bind edit and view, grant only what it holds, and nothing more', async () => {
    const kc = kubeConfigFor(peer, { token: provisionerToken });
    const core = kc.makeApiClient(CoreV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    // Labelled as Cluster Access labels its namespaces: the admission policy
    // confines the provisioner to those.
    await core.createNamespace({
      body: {
        metadata: {
          name: 'provisioned',
          labels: {
            'app.kubernetes.io/managed-by': 'backstage-cluster-access',
          },
        },
      },
    });
    await core.createNamespacedResourceQuota({
      namespace: 'provisioned',
      body: {
        metadata: { name: 'q' },
        spec: { hard: { 'requests.cpu': '1' } },
      },
    });
    const owners = [{ kind: 'Group', name: 'owners', apiGroup: rbacGroup }];
    await rbac.createNamespacedRoleBinding({
      namespace: 'provisioned',
      body: binding(
        'owners-edit',
        { kind: 'ClusterRole', name: 'edit' },
        owners,
      ),
    });
    // `admin` is neither bindable nor held.
    const admin = await failure(
      rbac.createNamespacedRoleBinding({
        namespace: 'provisioned',
        body: binding(
          'owners-admin',
          { kind: 'ClusterRole', name: 'admin' },
          owners,
        ),
      }),
    );
    expect(admin.code).toBe(403);
    expect(admin.status.message).toContain(
      'is attempting to grant RBAC permissions not currently held',
    );
    // Without escalate, a Role may grant only what the provisioner holds
    // itself: managing RoleBindings and binding view/edit, not Secrets.
    await rbac.createNamespacedRole({
      namespace: 'provisioned',
      body: {
        metadata: { name: 'binder' },
        rules: [
          {
            apiGroups: [rbacGroup],
            resources: ['rolebindings'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
          },
          {
            apiGroups: [rbacGroup],
            resources: ['clusterroles'],
            resourceNames: ['view'],
            verbs: ['bind'],
          },
        ],
      },
    });
    const secretReader = await failure(
      rbac.createNamespacedRole({
        namespace: 'provisioned',
        body: {
          metadata: { name: 'secret-reader' },
          rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
        },
      }),
    );
    expect(secretReader.status.message).toBe(
      'roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "system:serviceaccount:cluster-access:backstage" (groups=["system:serviceaccounts" "system:serviceaccounts:cluster-access" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    );
    const clusterWide = await failure(
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name: 'owners-cluster-admin' },
          roleRef: {
            apiGroup: rbacGroup,
            kind: 'ClusterRole',
            name: 'cluster-admin',
          },
          subjects: owners,
        },
      }),
    );
    expect(clusterWide.code).toBe(403);
    const secrets = await failure(
      core.listNamespacedSecret({ namespace: 'provisioned' }),
    );
    expect(secrets.status.message).toBe(
      'secrets is forbidden: User "system:serviceaccount:cluster-access:backstage" cannot list resource "secrets" in API group "" in the namespace "provisioned"',
    );
    const configMaps = await failure(
      core.listNamespacedConfigMap({ namespace: 'provisioned' }),
    );
    expect(configMaps.code).toBe(403);
  });

  it('aggregates labelled ClusterRoles into view, edit and admin', async () => {
    await adminRbac.createClusterRole({
      body: {
        metadata: {
          name: 'widgets-view',
          labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
        },
        rules: [
          {
            apiGroups: ['example.com'],
            resources: ['widgets'],
            verbs: ['get'],
          },
        ],
      },
    });
    for (const name of ['view', 'edit', 'admin']) {
      const role = await adminRbac.readClusterRole({ name });
      expect(role.rules).toContainEqual({
        apiGroups: ['example.com'],
        resources: ['widgets'],
        verbs: ['get'],
      });
    }
    await adminRbac.deleteClusterRole({ name: 'widgets-view' });
    const view = await adminRbac.readClusterRole({ name: 'view' });
    expect(view.rules?.some(r => r.resources?.includes('widgets'))).toBe(false);
  });

  it('refuses to change a binding roleRef', async () => {
    const rb = await adminRbac.readNamespacedRoleBinding({
      name: 'developers-edit',
      namespace: 'team-a',
    });
    const err = await failure(
      adminRbac.replaceNamespacedRoleBinding({
        name: 'developers-edit',
        namespace: 'team-a',
        body: { ...rb, roleRef: { ...rb.roleRef, name: 'view' } },
      }),
    );
    expect(err.code).toBe(422);
    expect(err.status.message).toContain('cannot change roleRef');
  });
});
