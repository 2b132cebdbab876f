import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { RequestableTier } from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import {
  errorResponse,
  fakeNamespaceApi,
  tiers,
} from '../../testUtils/namespaces';
import { RequestNamespaceForm } from './RequestNamespaceForm';

const identity = (user: string, groups: string[]) =>
  mockApis.identity({
    userEntityRef: `user:default/${user}`,
    ownershipEntityRefs: [
      `user:default/${user}`,
      ...groups.map(g => `group:default/${g}`),
    ],
  });

async function renderForm(
  api: ReturnType<typeof fakeNamespaceApi>,
  user: ReturnType<typeof identity>,
  authorize = jest.fn(() => 'DENY' as const),
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, api],
        [identityApiRef, user],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <RequestNamespaceForm />
    </TestApiProvider>,
    { routeEntries: ['/request-namespace'] },
  );
}

const withRequestable = (
  requestable: Record<string, RequestableTier['requestable']>,
) =>
  jest.fn(async () =>
    tiers.map(t => ({ ...t, requestable: requestable[t.name] ?? [] })),
  );

// `cluster-access.request.create` is a resource permission decided on the
// request being filed (a policy may allow dev but not prod), which the
// permission backend cannot be asked about without one: `GET /tiers` reports
// where the user may request, and the form offers only that.
describe('RequestNamespaceForm and the permission policy', () => {
  it('shows one calm denial up front when the user may request nothing', async () => {
    const api = fakeNamespaceApi({ listTiers: withRequestable({}) });
    const authorize = jest.fn(() => 'DENY' as const);
    await renderForm(api, identity('mallory', ['contractors']), authorize);
    expect(
      await screen.findByText('You can’t request namespaces on this portal'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/does not have the permission to request namespaces/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Owner group')).toBeNull();
    expect(screen.queryByText(/Error/)).toBeNull();
    // Asking the permission backend without a resource would be refused.
    expect(authorize).not.toHaveBeenCalled();
  });

  it('offers only the tiers and clusters allowed for the chosen Group', async () => {
    // qa only for sre; dev on both clusters for payments, only on edge for sre.
    const api = fakeNamespaceApi({
      listTiers: withRequestable({
        dev: [
          { cluster: 'sandbox', owners: ['group:default/payments'] },
          {
            cluster: 'edge',
            owners: ['group:default/payments', 'group:default/sre'],
          },
        ],
        qa: [{ cluster: 'sandbox', owners: ['group:default/sre'] }],
      }),
    });
    await renderForm(api, identity('alice', ['payments', 'sre', 'guests']));
    const owner = await screen.findByLabelText('Owner group');
    const values = (label: string) =>
      within(screen.getByLabelText(label))
        .getAllByRole('option')
        .filter(o => !(o as HTMLOptionElement).disabled)
        .map(o => (o as HTMLOptionElement).value);
    // guests is one of alice's Groups, but allowed nowhere.
    expect(values('Owner group')).toEqual([
      'group:default/payments',
      'group:default/sre',
    ]);

    await userEvent.selectOptions(owner, 'group:default/payments');
    expect(values('Tier')).toEqual(['dev']);
    expect(values('Cluster')).toEqual(['sandbox', 'edge']);

    await userEvent.selectOptions(owner, 'group:default/sre');
    expect(values('Tier')).toEqual(['dev', 'qa']);
    expect(values('Cluster')).toEqual(['edge']);
    await userEvent.selectOptions(screen.getByLabelText('Tier'), 'qa');
    expect(values('Cluster')).toEqual(['sandbox']);
    expect(screen.getByLabelText('Namespace name')).toHaveValue('sre-app-qa');
  });

  it('still shows the backend’s 403 with its reason when the policy changed since', async () => {
    const api = fakeNamespaceApi({
      createRequest: jest.fn(async () => {
        throw await ResponseError.fromResponse(
          errorResponse(
            403,
            'NotAllowedError',
            'You are not allowed to cluster-access.request.create for tier dev on cluster sandbox owned by group:default/payments',
          ),
        );
      }),
    });
    await renderForm(api, identity('alice', ['payments']));
    await userEvent.selectOptions(
      await screen.findByLabelText('Owner group'),
      'group:default/payments',
    );
    await userEvent.type(screen.getByLabelText(/^Reason/), 'a valid request');
    await userEvent.click(
      screen.getByRole('button', { name: 'Request namespace' }),
    );
    expect(
      await screen.findByText(
        'Error: Not allowed: You are not allowed to cluster-access.request.create for tier dev on cluster sandbox owned by group:default/payments',
      ),
    ).toBeInTheDocument();
    expect(api.createRequest).toHaveBeenCalledTimes(1);
    expect(screen.getByLabelText('Namespace name')).toHaveValue(
      'payments-app-dev',
    );
  }, 60_000);
});
