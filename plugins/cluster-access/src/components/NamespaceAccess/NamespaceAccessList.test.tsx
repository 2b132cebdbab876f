import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import { namespaceAccess, paymentsAccess } from '../../testUtils/namespaces';
import { NamespaceAccessList } from './NamespaceAccessList';

async function sentences(entries: NamespaceAccess[]) {
  await renderInTestApp(
    <NamespaceAccessList
      entries={entries}
      label="Access"
      emptyText="Nobody."
    />,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return (
    within(screen.getByRole('list', { name: 'Access' }))
      .getAllByRole('listitem')
      // The sentence, without the warning icon's title.
      .map(item => item.lastElementChild!.textContent)
  );
}

describe('NamespaceAccessList', () => {
  it('says who can get in and why, outsiders first', async () => {
    expect(await sentences(paymentsAccess)).toEqual([
      'User mallory can view payments-api-dev through the RoleBinding mallory-view, made with kubectl: neither a member nor an extra member.',
      'alice and bob can edit and manage role bindings in payments-api-dev as members of payments.',
      'dave can edit and manage role bindings in payments-api-dev as an extra member, added by alice on 20 Nov 2026, until 20 Dec 2026.',
      'The service account ci can edit payments-api-dev through the RoleBinding ci-edit, made with kubectl.',
      'Everyone in payments can view payments-api-dev through the RoleBinding team-view, made with kubectl.',
    ]);
    expect(screen.getByTitle('Outsider access')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'dave' })).toHaveAttribute(
      'href',
      '/catalog/default/user/dave',
    );
  });

  it('names roles it has no words for, other namespaces and statuses', async () => {
    expect(
      await sentences([
        namespaceAccess({ status: 'provisioning' }),
        namespaceAccess({
          via: 'binding',
          binding: 'robot',
          user: undefined,
          subject: {
            kind: 'ServiceAccount',
            name: 'deployer',
            namespace: 'ci',
          },
          role: { kind: 'Role', name: 'secret-reader' },
          standing: 'outsider',
          flagged: true,
        }),
        namespaceAccess({
          via: 'binding',
          binding: 'search-admin',
          user: undefined,
          subject: { kind: 'Group', name: 'search' },
          role: { kind: 'ClusterRole', name: 'admin' },
          standing: 'unknown',
        }),
        namespaceAccess({
          via: 'binding',
          binding: 'bob-rbm',
          subject: { kind: 'User', name: 'bob' },
          user: 'user:default/bob',
          role: { kind: 'Role', name: 'rolebinding-manager' },
          standing: 'member',
        }),
      ]),
    ).toEqual([
      'The service account deployer of namespace ci has the Role secret-reader in payments-api-dev through the RoleBinding robot, made with kubectl: a service account of another namespace.',
      'alice can edit and manage role bindings in payments-api-dev (provisioning) as a member of payments.',
      'The group search can administer payments-api-dev through the RoleBinding search-admin, made with kubectl (the owner Group is missing from the catalog, so this cannot be checked).',
      'bob can manage role bindings in payments-api-dev through the RoleBinding bob-rbm, made with kubectl.',
    ]);
  });

  it('says of members only the roles the reconciler found them holding', async () => {
    const member = (name: string, roles?: NamespaceAccess['roles']) =>
      namespaceAccess({
        subject: { kind: 'User', name },
        user: `user:default/${name}`,
        ...(roles ? { roles } : {}),
      });
    expect(
      await sentences([
        member('alice'),
        member('bob', [{ kind: 'ClusterRole', name: 'edit' }]),
        member('carol', [{ kind: 'ClusterRole', name: 'edit' }]),
        member('erin', []),
      ]),
    ).toEqual([
      'alice can edit and manage role bindings in payments-api-dev as a member of payments.',
      'bob and carol can edit payments-api-dev as members of payments.',
      'erin has no RoleBinding in payments-api-dev yet as a member of payments.',
    ]);
  });

  it('says so when nobody can get in', async () => {
    await renderInTestApp(
      <NamespaceAccessList entries={[]} label="Access" emptyText="Nobody." />,
    );
    expect(screen.getByText('Nobody.')).toBeInTheDocument();
  });
});
