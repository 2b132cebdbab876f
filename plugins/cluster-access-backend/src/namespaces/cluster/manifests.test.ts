import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import {
  containsDesired,
  desiredObjects,
  labelValueFor,
  memberBindingName,
  needsApply,
} from './manifests';

const tier: TierInfo = {
  name: 'dev',
  title: 'Development',
  approval: 'none',
  clusters: ['sandbox'],
  namingPattern: '{group}-{suffix}-{tier}',
  resourceQuota: {},
  limitRange: {},
  networkPolicy: false,
  podSecurity: { enforce: 'baseline', warn: 'restricted' },
  labels: { 'cost-center': '42' },
  annotations: {},
  nonMemberBindings: 'report',
};

const spec = {
  requestId: 'r1',
  namespace: 'payments-api-dev',
  owner: 'group:default/Payments_EU',
  requester: 'user:default/alice',
  tier,
  members: [
    { user: 'user:default/bob', username: 'bob' },
    { user: 'user:default/alice', username: 'alice' },
  ],
  delegableClusterRoles: ['view'],
};

describe('labelValueFor', () => {
  const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

  it('keeps short names readable and makes long ones valid and distinct', () => {
    expect(labelValueFor('Payments_EU')).toBe('payments-eu');
    // 70 characters whose 63rd is a separator: a plain cut would end with '-'.
    const long = `${'a'.repeat(62)}_${'b'.repeat(7)}`;
    const other = `${'a'.repeat(62)}_${'c'.repeat(7)}`;
    for (const name of [long, other, 'x'.repeat(200)]) {
      const value = labelValueFor(name);
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(labelValue);
    }
    expect(labelValueFor(long)).not.toBe(labelValueFor(other));
  });
});

describe('desiredObjects', () => {
  it('leaves out what the tier does not ask for, and orders members', () => {
    const objects = desiredObjects(spec);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/payments-api-dev',
      'RoleBinding/ca-edit-alice',
      'RoleBinding/ca-edit-bob',
      'Role/rolebinding-manager',
      'RoleBinding/ca-rbm-alice',
      'RoleBinding/ca-rbm-bob',
    ]);
    expect(objects[0].metadata.labels).toEqual({
      'cost-center': '42',
      'app.kubernetes.io/managed-by': 'backstage-cluster-access',
      'cluster-access.backstage.io/owner-group': 'payments-eu',
      'cluster-access.backstage.io/tier': 'dev',
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect((objects[3] as any).rules[1]).toEqual({
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      resourceNames: ['view'],
      verbs: ['bind'],
    });
    expect(JSON.stringify(objects)).not.toMatch(/escalate/);
  });
});

describe('memberBindingName', () => {
  it('keeps simple names readable and keeps different users apart', () => {
    expect(memberBindingName('ca-edit', 'alice')).toBe('ca-edit-alice');
    const a = memberBindingName('ca-edit', 'team:Alice');
    const b = memberBindingName('ca-edit', 'team-alice');
    expect(a).toMatch(/^ca-edit-team-alice-[0-9a-f]{10}$/);
    expect(b).toBe('ca-edit-team-alice');
    expect(
      memberBindingName('ca-rbm', 'x'.repeat(64)).length,
    ).toBeLessThanOrEqual(63);
  });
});

describe('drift detection', () => {
  it('treats canonicalised quantities as equal', () => {
    expect(
      containsDesired(
        { memory: '1024Mi', cpu: '0.5' },
        { memory: '1Gi', cpu: '500m' },
      ),
    ).toBe(true);
    expect(containsDesired({ memory: '1Gi' }, { memory: '1G' })).toBe(false);
  });

  it('ignores what others add to maps but not to atomic lists', () => {
    expect(
      containsDesired({ a: { b: '1' } }, { a: { b: '1', c: '2' }, d: 1 }),
    ).toBe(true);
    expect(
      containsDesired(
        { l: [{ name: 'x' }] },
        { l: [{ name: 'x' }, { name: 'y' }] },
      ),
    ).toBe(false);
    expect(containsDesired({ l: ['a'] }, { l: undefined })).toBe(false);
  });

  it('compares labels, annotations and body of an object', () => {
    const [, binding] = desiredObjects(spec);
    const live = JSON.parse(JSON.stringify(binding));
    live.metadata.uid = 'u';
    live.metadata.labels.extra = 'yes';
    expect(needsApply(binding, live)).toBe(false);
    live.subjects[0].name = 'mallory';
    expect(needsApply(binding, live)).toBe(true);
  });
});
