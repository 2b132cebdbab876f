import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { backendAdmissionPolicyName, KubePeer, startKubePeer } from './index';
import { failure, kubeConfigFor } from './__testUtils__/clients';

const rbacGroup = 'rbac.authorization.k8s.io';
const managed = { 'app.kubernetes.io/managed-by': 'backstage-cluster-access' };
const denied = (what: string) =>
  `ValidatingAdmissionPolicy '${backendAdmissionPolicyName}' with binding '${backendAdmissionPolicyName}' denied request: the Cluster Access backend may ${what}`;

describe('ValidatingAdmissionPolicy in the kube peer', () => {
  let peer: KubePeer;
  let admin: { core: CoreV1Api; objects: KubernetesObjectApi };
  let backend: { core: CoreV1Api; rbac: RbacAuthorizationV1Api };

  beforeAll(async () => {
    peer = await startKubePeer();
    const adminKc = kubeConfigFor(peer, { token: peer.adminToken });
    admin = {
      core: adminKc.makeApiClient(CoreV1Api),
      objects: KubernetesObjectApi.makeApiClient(adminKc),
    };
    const kc = kubeConfigFor(peer, {
      token: peer.issueServiceAccountToken({
        namespace: 'cluster-access',
        name: 'backstage',
      }),
    });
    backend = {
      core: kc.makeApiClient(CoreV1Api),
      rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    };
    await admin.core.createNamespace({
      body: { metadata: { name: 'payments-prod' } },
    });
  });
  afterAll(() => peer.close());

  const editBinding = (name: string) => ({
    metadata: { name },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'edit' },
    subjects: [{ apiGroup: rbacGroup, kind: 'User', name: 'mallory' }],
  });

  describe('the backend policy of deploy/kubernetes', () => {
    it('lets the backend manage labelled namespaces and what is in them', async () => {
      await backend.core.createNamespace({
        body: { metadata: { name: 'team-dev', labels: managed } },
      });
      const created = await backend.rbac.createNamespacedRoleBinding({
        namespace: 'team-dev',
        body: editBinding('alice-edit'),
      });
      expect(created.roleRef.name).toBe('edit');
      await backend.rbac.deleteNamespacedRoleBinding({
        namespace: 'team-dev',
        name: 'alice-edit',
      });
      await backend.core.deleteNamespace({ name: 'team-dev' });
      // Accepted: the namespace terminates (and is gone a while later).
      expect(
        peer.getObject({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: 'team-dev',
        })?.metadata?.deletionTimestamp,
      ).toBeDefined();
    });

    it('refuses the backend outside labelled namespaces', async () => {
      const inKubeSystem = await failure(
        backend.rbac.createNamespacedRoleBinding({
          namespace: 'kube-system',
          body: editBinding('mallory-edit'),
        }),
      );
      expect(inKubeSystem.code).toBe(422);
      expect(inKubeSystem.status).toMatchObject({
        reason: 'Invalid',
        message: `rolebindings.rbac.authorization.k8s.io "mallory-edit" is forbidden: ${denied(
          'only write inside namespaces labelled app.kubernetes.io/managed-by=backstage-cluster-access',
        )}`,
        details: {
          name: 'mallory-edit',
          group: rbacGroup,
          kind: 'rolebindings',
          causes: [
            {
              message: denied(
                'only write inside namespaces labelled app.kubernetes.io/managed-by=backstage-cluster-access',
              ),
            },
          ],
        },
      });

      const unlabelled = await failure(
        backend.core.createNamespace({ body: { metadata: { name: 'rogue' } } }),
      );
      expect(unlabelled.status.message).toBe(
        `namespaces "rogue" is forbidden: ${denied(
          'only create namespaces labelled app.kubernetes.io/managed-by=backstage-cluster-access',
        )}`,
      );
      // On a delete there is no new object to name: kube-apiserver says "Unknown".
      const deletion = await failure(
        backend.core.deleteNamespace({ name: 'payments-prod' }),
      );
      expect(deletion.status.message).toBe(
        `namespaces "Unknown" is forbidden: ${denied(
          'only change or delete namespaces labelled app.kubernetes.io/managed-by=backstage-cluster-access',
        )}`,
      );
      const adopt = await failure(
        backend.core.patchNamespace(
          { name: 'payments-prod', body: { metadata: { labels: managed } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
      expect(adopt.code).toBe(422);
    });

    it('keeps the backend from dropping the label', async () => {
      await backend.core.createNamespace({
        body: { metadata: { name: 'team-qa', labels: managed } },
      });
      const unlabel = await failure(
        backend.core.patchNamespace(
          {
            name: 'team-qa',
            body: {
              metadata: {
                labels: { 'app.kubernetes.io/managed-by': null },
              },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
      expect(unlabel.status.message).toContain(
        denied(
          'not remove app.kubernetes.io/managed-by=backstage-cluster-access from a namespace',
        ),
      );
    });

    it('does not apply to anyone else', async () => {
      const plain = await admin.core.createNamespace({
        body: { metadata: { name: 'plain' } },
      });
      expect(plain.metadata?.labels).toEqual({
        'kubernetes.io/metadata.name': 'plain',
      });
      await admin.core.deleteNamespace({ name: 'plain' });
      expect(
        peer.getObject({ apiVersion: 'v1', kind: 'Namespace', name: 'plain' })
          ?.metadata?.deletionTimestamp,
      ).toBeDefined();
    });
  });

  describe('policy semantics', () => {
    const policy = (name: string, spec: object): KubernetesObject =>
      ({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name },
        spec: {
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['configmaps'],
              },
            ],
          },
          ...spec,
        },
      } as KubernetesObject);
    const bind = (name: string, extra: object = {}): KubernetesObject =>
      ({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name },
        spec: { policyName: name, validationActions: ['Deny'], ...extra },
      } as KubernetesObject);
    const configMap = (namespace: string, name: string, data = {}) =>
      admin.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name }, data },
      });

    beforeAll(async () => {
      for (const name of ['labelled', 'other']) {
        await admin.core.createNamespace({
          body: {
            metadata: { name, labels: name === 'labelled' ? { env: 'x' } : {} },
          },
        });
      }
    });
    afterEach(async () => {
      for (const kind of [
        'ValidatingAdmissionPolicyBinding',
        'ValidatingAdmissionPolicy',
      ]) {
        const list = await admin.objects.list(
          'admissionregistration.k8s.io/v1',
          kind,
        );
        for (const item of list.items) {
          if (item.metadata?.name === backendAdmissionPolicyName) continue;
          await admin.objects.delete({
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind,
            metadata: { name: item.metadata!.name },
          });
        }
      }
    });

    it('uses messageExpression, reason, variables and namespaceSelector', async () => {
      await admin.objects.create(
        policy('small', {
          matchConstraints: {
            namespaceSelector: { matchLabels: { env: 'x' } },
            resourceRules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['configmaps'],
              },
            ],
          },
          variables: [{ name: 'keys', expression: 'size(object.data)' }],
          validations: [
            {
              expression: 'variables.keys <= 1',
              messageExpression:
                "'too many keys in ' + object.metadata.name + ': ' + string(variables.keys)",
              reason: 'Forbidden',
            },
          ],
        }),
      );
      await admin.objects.create(bind('small'));
      const refused = await failure(
        configMap('labelled', 'big', { a: '1', b: '2' }),
      );
      expect(refused.code).toBe(403);
      expect(refused.status.reason).toBe('Forbidden');
      expect(refused.status.message).toBe(
        `configmaps "big" is forbidden: ValidatingAdmissionPolicy 'small' with binding 'small' denied request: too many keys in big: 2`,
      );
      await configMap('labelled', 'fine', { a: '1' });
      // The namespace selector leaves unlabelled namespaces alone.
      await configMap('other', 'big', { a: '1', b: '2' });
    });

    it('skips requests whose matchConditions are false, and obeys failurePolicy on errors', async () => {
      await admin.objects.create(
        policy('strict', {
          matchConditions: [
            {
              name: 'only-x',
              expression: "object.metadata.name.startsWith('x')",
            },
          ],
          validations: [{ expression: "object.data['missing'] == 'y'" }],
        }),
      );
      await admin.objects.create(bind('strict'));
      await configMap('other', 'a-skipped', { k: 'v' });
      const failed = await failure(configMap('other', 'x-error', { k: 'v' }));
      expect(failed.code).toBe(422);
      expect(failed.status.message).toContain(
        "denied request: expression 'object.data['missing'] == 'y'' resulted in error: ",
      );
      await admin.objects.patch(
        { ...policy('strict', {}), spec: { failurePolicy: 'Ignore' } },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      await configMap('other', 'x-ignored', { k: 'v' });
      await configMap('other', 'x-good', { missing: 'y' });
    });

    it('says "failed expression" when a validation has no message', async () => {
      await admin.objects.create(
        policy('bare', { validations: [{ expression: 'false' }] }),
      );
      await admin.objects.create(bind('bare'));
      const refused = await failure(configMap('other', 'any'));
      expect(refused.status.message).toContain(
        "with binding 'bare' denied request: failed expression: false",
      );
    });

    it('refuses policies it cannot compile or evaluate', async () => {
      const broken = await failure(
        admin.objects.create(
          policy('broken', { validations: [{ expression: 'object.(' }] }),
        ),
      );
      expect(broken.code).toBe(422);
      expect(broken.status.message).toContain(
        'spec.validations[0].expression: Invalid value: "object.(": compilation failed: ',
      );
      const params = await failure(
        admin.objects.create(
          policy('params', {
            paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
            validations: [{ expression: 'true' }],
          }),
        ),
      );
      expect(params.status.message).toContain(
        'spec.paramKind: Forbidden: not supported by this Kubernetes API peer',
      );
    });
  });
});
