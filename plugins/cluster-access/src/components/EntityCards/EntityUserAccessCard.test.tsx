import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { clusterAccessApiRef } from '../../api';
import { fakeNamespaceApi, managedNamespace } from '../../testUtils/namespaces';
import { EntityUserAccessCard } from './EntityUserAccessCard';

describe('EntityUserAccessCard', () => {
  it('shows the namespaces the user has access to and their recent activity', async () => {
    const api = fakeNamespaceApi({
      listNamespaces: jest.fn(async () => [managedNamespace()]),
      listHistory: jest.fn(async () => [
        {
          id: 'e1',
          createdAt: '2026-11-28T10:00:00.000Z',
          actor: 'user:default/bob',
          type: 'member.added',
          namespace: 'sandbox/payments-api-dev',
          message: 'bob added dave to payments-api-dev',
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
    const table = await screen.findByRole('table', {
      name: 'Namespaces of Bob Builder',
    });
    expect(api.listNamespaces).toHaveBeenCalledWith({
      user: 'user:default/bob',
    });
    const row = within(table).getByText('payments-api-dev').closest('tr')!;
    expect(
      within(row as HTMLElement).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    expect(
      await screen.findByText('bob added dave to payments-api-dev'),
    ).toBeInTheDocument();
    expect(api.listHistory).toHaveBeenCalledWith({
      actor: 'user:default/bob',
      limit: 20,
    });
  });
});
