import { mockServices, mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  clusterAccessCertificateCreatePermission,
  clusterAccessHistoryReadPermission,
  clusterAccessNamespaceReadPermission,
  clusterAccessRequestApprovePermission,
  clusterAccessRequestCreatePermission,
} from '@cluster-access/plugin-cluster-access-common';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { namespaceRequestPermissionRules } from '@cluster-access/plugin-cluster-access-backend';
import { DemoPermissionPolicy, OrganizationMembership } from './permissionPolicy';

function group(name: string, parent?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
  };
}

const groups = new Map<string, Entity>([
  ['group:default/acme', group('acme')],
  ['group:default/engineering', group('engineering', 'acme')],
  ['group:default/payments', group('payments', 'group:default/engineering')],
  ['group:default/platform', group('platform', 'acme')],
  ['group:default/cluster-approvers', group('cluster-approvers', 'platform')],
  ['group:default/contractors', group('contractors')],
  // A cycle that must not hang the policy.
  ['group:default/loop-a', group('loop-a', 'loop-b')],
  ['group:default/loop-b', group('loop-b', 'loop-a')],
]);

function policyFor(ownership: Record<string, string[]>) {
  const getEntityByRef = jest.fn(async (ref: string | object) =>
    groups.get(String(ref)),
  );
  const membership = new OrganizationMembership({
    catalog: { getEntityByRef },
    auth: mockServices.auth(),
    organizationGroupRef: 'group:default/acme',
  });
  const userInfo = {
    getUserInfo: async (credentials: any) => ({
      userEntityRef: credentials.principal.userEntityRef,
      ownershipEntityRefs: ownership[credentials.principal.userEntityRef] ?? [],
    }),
  };
  return {
    policy: new DemoPermissionPolicy({ membership, userInfo }),
    getEntityByRef,
  };
}

function userQuery(ref: string): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs: [] },
    token: 'unused',
    expiresInSeconds: 3600,
  } as PolicyQueryUser;
}

describe('DemoPermissionPolicy', () => {
  const ownership = {
    'user:default/alice': ['user:default/alice', 'group:default/payments'],
    'user:default/carol': [
      'user:default/carol',
      'group:default/platform',
      'group:default/cluster-approvers',
    ],
    'user:default/mallory': ['user:default/mallory', 'group:default/contractors'],
    'user:default/looper': ['user:default/looper', 'group:default/loop-a'],
  };

  it('allows cluster-access permissions to members of the organisation, through nested groups', async () => {
    const { policy } = policyFor(ownership);
    await expect(
      policy.handle(
        { permission: clusterAccessCertificateCreatePermission },
        userQuery('user:default/alice'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle(
        { permission: clusterAccessRequestCreatePermission },
        userQuery('user:default/carol'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only the platform team request prod namespaces', async () => {
    const { policy } = policyFor(ownership);
    const create = { permission: clusterAccessRequestCreatePermission };
    // Applied with the rules the backend registers, as the backend does on
    // the request being filed.
    const rules = Object.values(namespaceRequestPermissionRules);
    const isAllowed = createConditionAuthorizer({
      getRuleByName: (name: string) => {
        const rule = rules.find(r => r.name === name);
        if (!rule) throw new Error(`no rule ${name}`);
        return rule as any;
      },
    });
    const filing = (tier: string) => ({
      tier,
      cluster: 'sandbox',
      owner: 'group:default/payments',
    });
    const alice = await policy.handle(create, userQuery('user:default/alice'));
    expect(alice.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(isAllowed(alice, filing('prod'))).toBe(false);
    expect(isAllowed(alice, filing('dev'))).toBe(true);
    expect(isAllowed(alice, filing('qa'))).toBe(true);
    const carol = await policy.handle(create, userQuery('user:default/carol'));
    expect(isAllowed(carol, filing('prod'))).toBe(true);
    // Outside the organisation nothing changes: no namespace at all.
    await expect(
      policy.handle(create, userQuery('user:default/mallory')),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets only members of the approver group approve requests', async () => {
    const { policy } = policyFor(ownership);
    const approve = { permission: clusterAccessRequestApprovePermission };
    await expect(
      policy.handle(approve, userQuery('user:default/carol')),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle(approve, userQuery('user:default/alice')),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(approve, userQuery('user:default/mallory')),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('denies cluster-access permissions outside the organisation, without a user, and on cycles', async () => {
    const { policy } = policyFor(ownership);
    for (const who of ['user:default/mallory', 'user:default/looper', 'user:default/nobody']) {
      await expect(
        policy.handle(
          { permission: clusterAccessCertificateCreatePermission },
          userQuery(who),
        ),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    }
    await expect(
      policy.handle({ permission: clusterAccessCertificateCreatePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets every signed-in user read the history and namespaces, members or not', async () => {
    const { policy } = policyFor(ownership);
    for (const permission of [
      clusterAccessHistoryReadPermission,
      clusterAccessNamespaceReadPermission,
    ]) {
      for (const who of ['user:default/alice', 'user:default/mallory']) {
        await expect(
          policy.handle({ permission }, userQuery(who)),
        ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
      }
      await expect(policy.handle({ permission })).resolves.toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('allows other plugins permissions to everyone', async () => {
    const { policy } = policyFor(ownership);
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    await expect(
      policy.handle({ permission: catalogRead }, userQuery('user:default/mallory')),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('caches group ancestry instead of asking the catalog on every decision', async () => {
    const { policy, getEntityByRef } = policyFor(ownership);
    const q = { permission: clusterAccessCertificateCreatePermission };
    await policy.handle(q, userQuery('user:default/alice'));
    const calls = getEntityByRef.mock.calls.length;
    await policy.handle(q, userQuery('user:default/alice'));
    expect(getEntityByRef.mock.calls.length).toBe(calls);
  });
});
