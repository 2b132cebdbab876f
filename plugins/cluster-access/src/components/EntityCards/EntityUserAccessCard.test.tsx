import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { clusterAccessApiRef } from '../../api';
import { fakeNamespaceApi, namespaceAccess } from '../../testUtils/namespaces';
import { EntityUserAccessCard } from './EntityUserAccessCard';

describe('EntityUserAccessCard', () => {
  it('says where the user can get in and why, and shows their recent activity', async () => {
    const api = fakeNamespaceApi({
      listAccess: jest.fn(async () => [
        namespaceAccess({
          subject: { kind: 'User', name: 'bob' },
          user: 'user:default/bob',
        }),
        namespaceAccess({
          namespace: 'search-index-dev',
          owner: 'group:default/search',
          via: 'binding',
          binding: 'search-team',
          subject: { kind: 'Group', name: 'search' },
          user: undefined,
          role: { kind: 'ClusterRole', name: 'view' },
          standing: 'owner-group',
        }),
      ]),
      listHistory: jest.fn(async () => [
        {
          id: 'e1',
          createdAt: '2026-11-28T10:00:00.000Z',
          actor: 'user:default/bob',
          type: 'member.added',
          namespace: 'sandbox/payments-api-dev',
          message:
            'user:default/bob added user:default/dave to payments-api-dev',
          details: { user: 'user:default/dave', username: 'dave' },
        },
      ]),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'bob', namespace: 'default' },
            spec: { profile: { displayName: 'Bob Builder' } },
          }}
        >
          <EntityUserAccessCard />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const list = await screen.findByRole('list', {
      name: 'Namespaces Bob Builder can get into',
    });
    expect(api.listAccess).toHaveBeenCalledWith({ user: 'user:default/bob' });
    const [member, team] = within(list).getAllByRole('listitem');
    expect(member).toHaveTextContent(
      'bob can edit and manage role bindings in payments-api-dev as a member of payments.',
    );
    expect(
      within(member).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    expect(team).toHaveTextContent(
      'Everyone in search can view search-index-dev through the RoleBinding search-team, made with kubectl.',
    );
    // At most five recent events, as sentences with names.
    const recent = await screen.findByRole('list', { name: 'Recent activity' });
    expect(within(recent).getByRole('listitem')).toHaveTextContent(
      /^bob added dave to payments-api-dev/,
    );
    expect(within(recent).getByRole('link', { name: 'dave' })).toHaveAttribute(
      'href',
      '/catalog/default/user/dave',
    );
    expect(api.listHistory).toHaveBeenCalledWith({
      actor: 'user:default/bob',
      limit: 5,
    });
    // Someone else's page: no certificate section (the API lists only one's own).
    expect(screen.queryByText('Certificate')).toBeNull();
  });
});
