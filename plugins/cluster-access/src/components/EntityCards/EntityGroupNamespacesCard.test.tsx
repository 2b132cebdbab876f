import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { clusterAccessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  fakeNamespaceApi,
  managedNamespace,
  paymentsAccess,
} from '../../testUtils/namespaces';
import { EntityGroupNamespacesCard } from './EntityGroupNamespacesCard';

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
  spec: { type: 'team', children: [] },
};

async function renderCard(options: {
  api: ReturnType<typeof fakeNamespaceApi>;
  groups: string[];
  mountPage?: boolean;
}) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, options.api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: options.groups,
          }),
        ],
      ]}
    >
      <EntityProvider entity={payments}>
        <EntityGroupNamespacesCard />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...(options.mountPage === false
          ? {}
          : { '/cluster-access': rootRouteRef }),
      },
    },
  );
}

describe('EntityGroupNamespacesCard', () => {
  it('lists the Group’s namespaces with their members', async () => {
    const api = fakeNamespaceApi({
      listNamespaces: jest.fn(async () => [
        managedNamespace(),
        managedNamespace({
          name: 'payments-api-qa',
          tier: 'qa',
          status: 'provisioning',
          members: [
            { user: 'user:default/alice', username: 'alice', source: 'group' },
          ],
          requestId: '00000000-0000-4000-8000-0000000000a3',
        }),
      ]),
    });
    await renderCard({ api, groups: ['group:default/payments'] });
    const table = await screen.findByRole('table', {
      name: 'Namespaces of Payments',
    });
    expect(api.listNamespaces).toHaveBeenCalledWith({
      owner: 'group:default/payments',
    });
    const dev = within(table).getByText('payments-api-dev').closest('tr')!;
    expect(within(dev as HTMLElement).getByText('Ready')).toBeInTheDocument();
    expect(
      within(dev as HTMLElement)
        .getAllByText(/^(alice|bob|dave)$/)
        .map(e => e.textContent),
    ).toEqual(['alice', 'bob', 'dave']);
    const qa = within(table).getByText('payments-api-qa').closest('tr')!;
    expect(
      within(qa as HTMLElement).getByText('Provisioning'),
    ).toBeInTheDocument();
  });

  it('says who can get into the Group’s namespaces and why, outsiders first', async () => {
    const api = fakeNamespaceApi({
      listNamespaces: jest.fn(async () => [managedNamespace()]),
      listAccess: jest.fn(async () => paymentsAccess),
    });
    await renderCard({ api, groups: ['group:default/payments'] });
    const list = await screen.findByRole('list', {
      name: 'Who can get into the namespaces of Payments',
    });
    expect(api.listAccess).toHaveBeenCalledWith({
      owner: 'group:default/payments',
    });
    const lines = within(list).getAllByRole('listitem');
    expect(lines[0]).toHaveTextContent(
      'User mallory can view payments-api-dev through the RoleBinding mallory-view, made with kubectl: neither a member nor an extra member.',
    );
    expect(within(lines[0]).getByTitle('Outsider access')).toBeInTheDocument();
    expect(lines[1]).toHaveTextContent(
      'alice and bob can edit and manage role bindings in payments-api-dev as members of payments.',
    );
    expect(lines[2]).toHaveTextContent(
      'dave can edit and manage role bindings in payments-api-dev as an extra member, added by alice on 20 Nov 2026, until 20 Dec 2026.',
    );
  });

  it('links members of the Group to the request form with the Group chosen', async () => {
    await renderCard({
      api: fakeNamespaceApi(),
      groups: ['group:default/payments'],
    });
    expect(
      await screen.findByText('Payments owns no namespace yet.'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /Request a namespace/ }),
    ).toHaveAttribute(
      'href',
      '/cluster-access/request-namespace?owner=group%3Adefault%2Fpayments',
    );
  });

  it('offers no request link to someone outside the Group, or without the page', async () => {
    await renderCard({
      api: fakeNamespaceApi(),
      groups: ['group:default/search'],
    });
    expect(
      await screen.findByText('Payments owns no namespace yet.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Request a namespace/ }),
    ).toBeNull();
  });

  it('still shows the namespaces when the app has not mounted the page', async () => {
    await renderCard({
      api: fakeNamespaceApi({
        listNamespaces: jest.fn(async () => [managedNamespace()]),
      }),
      groups: ['group:default/payments'],
      mountPage: false,
    });
    expect(await screen.findByText('payments-api-dev')).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Request a namespace/ }),
    ).toBeNull();
  });
});
