import {
  AuthorizationDecision,
  breakdownRule,
  CoverageCheck,
  coversRules,
  PolicyRule,
  ruleAllows,
} from '@cluster-access/sandbox';
import { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { KubernetesClusterClient } from './KubernetesClusterClient';
import {
  asUser,
  eventually,
  fileRequest,
  Harness,
  ORG,
  paymentsRequest,
  peerConfig,
  sharedPeer,
} from '../../__testUtils__/harness';

jest.setTimeout(180_000);

/*
 * The proof that deploy/kubernetes/backend-rbac.yaml is exactly what the backend uses. The whole
 * lifecycle runs against the Kubernetes peer as the backend's service account, and the peer's
 * authorization log says which permissions it needed: the requests themselves, `create` for
 * server-side applies that create, `bind`/`escalate`, and the rules it had to hold to grant them
 * (ConfirmNoEscalation). Then both directions must hold: every call was allowed by the shipped
 * rules, and every shipped rule was needed by some call. Nothing here lists calls by hand, so the
 * proof keeps working as the code changes.
 */

const RBAC = 'rbac.authorization.k8s.io/v1';
const BACKEND = 'system:serviceaccount:cluster-access:backstage';
const repoRoot = path.resolve(__dirname, '../../../../..');

/** The rules of every ClusterRole and Role in the shipped RBAC file. */
function shippedRules(): PolicyRule[] {
  const file = path.join(repoRoot, 'deploy/kubernetes/backend-rbac.yaml');
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d =>
    d.toJS(),
  );
  const roles = docs.filter(d => d.kind === 'ClusterRole' || d.kind === 'Role');
  expect(roles.length).toBeGreaterThan(0);
  return roles.flatMap(r => r.rules as PolicyRule[]);
}

function describeCall(d: AuthorizationDecision): string {
  const resource = d.subresource
    ? `${d.resource}/${d.subresource}`
    : d.resource;
  const group = d.apiGroup ? `.${d.apiGroup}` : '';
  const scope = d.namespace ? `in ${d.namespace}` : 'cluster-wide';
  return `${d.stage}: ${d.verb} ${resource}${group}${
    d.name ? ` ${d.name}` : ''
  } ${scope}`;
}

function describeRule(r: PolicyRule): string {
  return `${r.verbs.join(',')} ${r.resources?.join(',')}${
    r.apiGroups?.[0] ? `.${r.apiGroups[0]}` : ''
  }${r.resourceNames?.length ? ` [${r.resourceNames.join(',')}]` : ''}`;
}

describe('the backend service account permissions', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();

  async function requestNamespace(h: Harness, namespace: string, tier: string) {
    const res = await fileRequest(
      h,
      paymentsRequest({ namespace, tier, reason: 'permissions proof' }),
    );
    expect(res.status).toBe(201);
    return res.body as { id: string; status: string };
  }

  async function reconcile(h: Harness) {
    const reports = await h.services.reconciler.reconcileAll();
    for (const report of reports) expect(report.errors).toEqual([]);
    return reports;
  }

  /** Provision (with and without approval), members, drift, tier change, decommission. */
  async function runLifecycle(h: Harness, knex: Knex) {
    const dev = 'payments-proof-dev';
    const qa = 'payments-proof-qa';
    await requestNamespace(h, dev, 'dev');
    const pending = await requestNamespace(h, qa, 'qa');
    expect(pending.status).toBe('pending');
    await request(h.app)
      .post(`/requests/${pending.id}/approve`)
      .set('authorization', asUser('carol'))
      .expect(200);
    await h.services.worker.idle();

    // A member outside the owner Group is granted and revoked at once.
    await request(h.app)
      .post(`/namespaces/sandbox/${dev}/members`)
      .set('authorization', asUser('alice'))
      .send({ user: 'user:default/erin' })
      .expect(201);
    await request(h.app)
      .delete(
        `/namespaces/sandbox/${dev}/members/${encodeURIComponent(
          'user:default/erin',
        )}`,
      )
      .set('authorization', asUser('alice'))
      .expect(200);

    // Drift: a guard rail deleted, a binding re-pointed, a stray managed Role,
    // and a whole namespace deleted out of band.
    kube.peer.deleteObject({
      apiVersion: 'v1',
      kind: 'LimitRange',
      namespace: dev,
      name: 'cluster-access-defaults',
    });
    const edit = kube.peer.getObject({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      namespace: dev,
      name: 'ca-edit-alice',
    })!;
    kube.peer.deleteObject({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      namespace: dev,
      name: 'ca-edit-alice',
    });
    kube.peer.putObject({
      ...edit,
      metadata: { ...edit.metadata, resourceVersion: undefined },
      roleRef: { ...(edit.roleRef as object), name: 'view' },
    });
    kube.peer.putObject({
      apiVersion: RBAC,
      kind: 'Role',
      metadata: {
        name: 'leftover',
        namespace: dev,
        labels: { 'app.kubernetes.io/managed-by': 'backstage-cluster-access' },
      },
      rules: [],
    });
    kube.peer.deleteObject({ apiVersion: 'v1', kind: 'Namespace', name: qa });
    // Membership changes in the catalog: bob leaves, dave joins.
    h.setOrg({ ...ORG, payments: ['alice', 'dave'] });
    const [repair] = await reconcile(h);
    expect(repair.applied).toBeGreaterThan(0);
    expect(repair.deleted).toBeGreaterThan(0);

    // The operator drops the quota, limits and network policy from the tiers.
    const slim = await kube.harness(knex, {
      // A clock the test moves, to reach the decommission's next check
      // without waiting for it.
      clock: new Date(),
      policy: {
        allowed: user => user !== 'user:default/mallory',
        approve: user => (user === 'user:default/carol' ? 'allow' : 'deny'),
      },
      config: peerConfig(kube.peer, kube.token, {
        tiers: [
          { name: 'dev', approval: 'none', networkPolicy: false },
          { name: 'qa', approval: 'required', networkPolicy: false },
        ],
      }),
    });
    slim.setOrg({ ...ORG, payments: ['alice', 'dave'] });
    await reconcile(slim);
    expect(
      kube.peer.listObjects({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        namespace: dev,
      }),
    ).toEqual([]);

    for (const namespace of [dev, qa]) {
      const asked = await request(slim.app)
        .delete(`/namespaces/sandbox/${namespace}`)
        .set('authorization', asUser('alice'))
        .send({ reason: 'done' })
        .expect(202);
      await request(slim.app)
        .post(`/requests/${asked.body.id}/approve`)
        .set('authorization', asUser('carol'))
        .expect(200);
    }
    await slim.services.worker.idle();
    // Kubernetes takes a while to delete a namespace; the decommission
    // checks back (a GET until 404) before it calls the namespace deleted.
    const decommissions = await slim.services.store.listRequests({
      kind: 'decommission',
    });
    expect(decommissions.map(r => r.status)).toEqual([
      'decommissioning',
      'decommissioning',
    ]);
    const gone = (name: string) => () =>
      !kube.peer.getObject({ apiVersion: 'v1', kind: 'Namespace', name });
    await eventually(`${dev} is gone`, gone(dev));
    await eventually(`${qa} is gone`, gone(qa));
    slim.clock.now = new Date(slim.clock.now.getTime() + 60_000);
    await slim.services.worker.runOnce();
    for (const r of decommissions) {
      expect((await slim.services.store.getRequest(r.id))?.status).toBe(
        'deleted',
      );
    }
  }

  it('uses every rule of deploy/kubernetes/backend-rbac.yaml and nothing else', async () => {
    const knex = await databases.init('SQLITE_3');
    const h = await kube.harness(knex);
    kube.peer.resetCounts();
    await runLifecycle(h, knex);

    const log = kube.peer.authorizationLog().filter(e => e.user === BACKEND);
    const decisions = log.filter(
      (e): e is AuthorizationDecision => e.type === 'authorize',
    );
    const coverage = log.filter((e): e is CoverageCheck => e.type === 'covers');
    const rules = shippedRules();
    const atoms = rules.flatMap(breakdownRule);
    const allows = (rule: PolicyRule, d: AuthorizationDecision) =>
      ruleAllows(
        {
          user: { username: BACKEND, groups: [] },
          verb: d.verb,
          isResourceRequest: true,
          apiGroup: d.apiGroup,
          resource: d.resource,
          subresource: d.subresource,
          namespace: d.namespace,
          name: d.name,
        },
        rule,
      );

    // 1. Nothing the backend did was refused, and the shipped rules allow all of it.
    //    (`bind`/`escalate` may be refused: the writer then needs to hold what it grants.)
    const required = decisions.filter(
      d => d.stage === 'request' || d.stage === 'create-on-apply',
    );
    expect(required.length).toBeGreaterThan(0);
    const notAllowed = new Set(
      required
        .filter(d => !d.allowed || !rules.some(r => allows(r, d)))
        .map(describeCall),
    );
    expect([...notAllowed]).toEqual([]);
    const notHeld = new Set(
      coverage
        .filter(c => !c.covered || !coversRules(rules, c.rules).covered)
        .flatMap(c => coversRules(rules, c.rules).missing.map(describeRule)),
    );
    expect([...notHeld]).toEqual([]);

    // 2. Every shipped permission was needed: by a call it allowed, or to
    //    grant something without escalate.
    const granted = decisions.filter(d => d.allowed);
    const unused = atoms
      .filter(
        atom =>
          !granted.some(d => allows(atom, d)) &&
          !coverage.some(c =>
            c.rules.some(sub => coversRules([atom], [sub]).covered),
          ),
      )
      .map(describeRule);
    expect(unused).toEqual([]);
  });

  it('cannot reach beyond managed namespaces with the same token, whatever RBAC allows', async () => {
    // The backend's own client, as a stolen token would be used.
    const client = KubernetesClusterClient.create({
      name: 'sandbox',
      url: kube.peer.url,
      caPem: kube.peer.caPem,
      credentials: { type: 'token', token: kube.token },
    });
    const refused = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'allowed';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const denial =
      /failed with 422 Invalid: .* is forbidden: ValidatingAdmissionPolicy 'cluster-access-managed-namespaces' with binding 'cluster-access-managed-namespaces' denied request/;
    // RBAC lets it bind `edit`; admission keeps that inside managed namespaces.
    expect(
      await refused(
        client.apply({
          apiVersion: RBAC,
          kind: 'RoleBinding',
          metadata: { name: 'mallory-edit', namespace: 'kube-system' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'edit',
          },
          subjects: [
            {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'User',
              name: 'mallory',
            },
          ],
        }),
      ),
    ).toMatch(denial);
    // Its own, unlabelled namespace is as far out of reach as any other.
    expect(
      await refused(
        client.delete({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: 'cluster-access',
        }),
      ),
    ).toMatch(denial);
    expect(
      await refused(
        client.create({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'unlabelled' },
        }),
      ),
    ).toMatch(denial);
    expect(
      kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'cluster-access',
      }),
    ).toBeDefined();
  });
});
