import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  errorResponse,
  fakeNamespaceApi,
  namespaceRequest,
  tiers,
} from '../../testUtils/namespaces';
import { RequestNamespaceForm } from './RequestNamespaceForm';

const alice = mockApis.identity({
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: [
    'user:default/alice',
    'group:default/payments',
    'group:default/sre',
  ],
});

const catalog = catalogApiMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
      spec: { type: 'team', children: [] },
    },
  ],
});

async function renderForm(options: {
  api: ReturnType<typeof fakeNamespaceApi>;
  route?: string;
}) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, options.api],
        [identityApiRef, alice],
        [catalogApiRef, catalog],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <RequestNamespaceForm />
    </TestApiProvider>,
    {
      routeEntries: [options.route ?? '/cluster-access/request-namespace'],
      mountedRoutes: {
        '/cluster-access': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
  return {
    owner: (await screen.findByLabelText('Owner group')) as HTMLSelectElement,
    tier: screen.getByLabelText('Tier') as HTMLSelectElement,
    cluster: screen.getByLabelText('Cluster') as HTMLSelectElement,
    name: screen.getByLabelText('Namespace name') as HTMLInputElement,
    reason: screen.getByLabelText(/^Reason/) as HTMLTextAreaElement,
    submit: screen.getByRole('button', { name: 'Request namespace' }),
  };
}

describe('RequestNamespaceForm', () => {
  it('offers only the user’s Groups, with their catalog titles, and each tier’s approval rule and quota', async () => {
    const api = fakeNamespaceApi();
    const form = await renderForm({ api });

    const groups = within(form.owner)
      .getAllByRole('option')
      .filter(o => !(o as HTMLOptionElement).disabled)
      .map(o => [(o as HTMLOptionElement).value, o.textContent]);
    await waitFor(() =>
      expect(
        within(form.owner)
          .getAllByRole('option')
          .map(o => o.textContent),
      ).toContain('Payments (payments)'),
    );
    expect(groups.map(([value]) => value)).toEqual([
      'group:default/payments',
      'group:default/sre',
    ]);

    expect(
      within(form.tier)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual([
      'Development (dev): approved at once',
      'QA (qa): needs an approval',
    ]);
    expect(screen.getByText('Approved at once')).toBeInTheDocument();
    const quota = screen.getByRole('table', { name: 'Quota' });
    expect(within(quota).getByText('Memory limit')).toBeInTheDocument();
    expect(within(quota).getByText('8Gi')).toBeInTheDocument();

    await userEvent.selectOptions(form.tier, 'qa');
    expect(screen.getByText('Needs an approval')).toBeInTheDocument();
    expect(within(quota).queryByText('Memory limit')).toBeNull();
  });

  it('marks the reason as required and says what it is for', async () => {
    const form = await renderForm({ api: fakeNamespaceApi() });
    expect(form.reason).toBeRequired();
    expect(
      screen.getByText(
        'Required: what the namespace is for. Approvers read this.',
      ),
    ).toBeInTheDocument();
  });

  it('says whom a tier’s requests go to, before and after filing one', async () => {
    const approvers = ['group:default/cluster-approvers', 'user:default/carol'];
    const created = namespaceRequest({ tier: 'qa', status: 'pending' });
    const api = fakeNamespaceApi({
      listTiers: jest.fn(async () =>
        tiers.map(t => (t.name === 'qa' ? { ...t, approvers } : t)),
      ),
      createRequest: jest.fn(async () => created),
    });
    const form = await renderForm({
      api,
      route: '/cluster-access/request-namespace?owner=group:default/payments',
    });
    // dev is approved at once: nobody to name.
    expect(screen.queryByText(/Requests go to/)).toBeNull();

    await userEvent.selectOptions(form.tier, 'qa');
    const summary = screen.getByText(/Requests go to/);
    expect(summary).toHaveTextContent(
      'Requests go to cluster-approvers, carol to approve.',
    );
    expect(
      within(summary).getByRole('link', { name: 'cluster-approvers' }),
    ).toHaveAttribute('href', '/catalog/default/group/cluster-approvers');

    await userEvent.type(form.reason, 'release tests');
    await userEvent.click(form.submit);
    expect(await screen.findByText('Request filed')).toBeInTheDocument();
    const waiting = screen.getByText(/It waits for/);
    expect(waiting).toHaveTextContent(
      'It waits for cluster-approvers, carol to approve it; then the namespace is made.',
    );
    expect(
      within(waiting).getByRole('link', { name: 'carol' }),
    ).toHaveAttribute('href', '/catalog/default/user/carol');
  });

  it('offers only the clusters of the chosen tier', async () => {
    const api = fakeNamespaceApi();
    const form = await renderForm({ api });
    const values = () =>
      within(form.cluster)
        .getAllByRole('option')
        .map(o => (o as HTMLOptionElement).value);
    expect(values()).toEqual(['sandbox', 'edge']);
    await userEvent.selectOptions(form.cluster, 'edge');
    expect(form.cluster.value).toBe('edge');

    await userEvent.selectOptions(form.tier, 'qa');
    expect(values()).toEqual(['sandbox']);
    expect(form.cluster.value).toBe('sandbox');
  });

  it('pre-fills the name from the tier’s naming rule and follows owner and tier', async () => {
    const api = fakeNamespaceApi();
    const form = await renderForm({
      api,
      route: '/cluster-access/request-namespace?owner=group:default/payments',
    });
    expect(form.owner.value).toBe('group:default/payments');
    expect(form.name.value).toBe('payments-app-dev');
    expect(
      screen.getByText(/Naming rule: \{group\}-\{suffix\}-dev/),
    ).toBeInTheDocument();

    await userEvent.selectOptions(form.tier, 'qa');
    expect(form.name.value).toBe('payments-app-qa');
    await userEvent.selectOptions(form.owner, 'group:default/sre');
    expect(form.name.value).toBe('sre-app-qa');
  });

  it('shows what is wrong with the name while it is typed, and only submits a valid one', async () => {
    const api = fakeNamespaceApi();
    const form = await renderForm({
      api,
      route: '/cluster-access/request-namespace?owner=group:default/payments',
    });
    await userEvent.type(form.reason, 'integration tests');
    expect(form.submit).toBeEnabled();

    await userEvent.clear(form.name);
    expect(screen.getByText('The name must not be empty.')).toBeInTheDocument();
    expect(form.submit).toBeDisabled();

    await userEvent.type(form.name, 'Payments_API');
    expect(screen.getByText(/must be a DNS-1123 label/)).toBeInTheDocument();
    expect(form.name).toHaveAttribute('aria-invalid', 'true');
    expect(form.submit).toBeDisabled();

    await userEvent.clear(form.name);
    await userEvent.type(form.name, 'kube-payments');
    expect(
      screen.getByText(/must not start with the reserved prefix "kube-"/),
    ).toBeInTheDocument();

    await userEvent.clear(form.name);
    await userEvent.type(form.name, 'payments-api');
    expect(
      screen.getByText(
        /must follow the Development tier's naming rule \{group\}-\{suffix\}-dev, e\.g\. payments-api-dev/,
      ),
    ).toBeInTheDocument();
    expect(form.submit).toBeDisabled();

    await userEvent.type(form.name, '-dev');
    expect(form.name).toHaveAttribute('aria-invalid', 'false');
    expect(form.submit).toBeEnabled();
    expect(api.createRequest).not.toHaveBeenCalled();
  });

  it('submits the request body and shows the request that was filed with its status', async () => {
    const created = namespaceRequest({
      namespace: 'payments-api-qa',
      tier: 'qa',
      status: 'pending',
    });
    const api = fakeNamespaceApi({
      createRequest: jest.fn(async () => created),
      getRequest: jest.fn(async () =>
        namespaceRequest({ ...created, status: 'rejected' }),
      ),
    });
    const form = await renderForm({ api });
    await userEvent.selectOptions(form.owner, 'group:default/payments');
    await userEvent.selectOptions(form.tier, 'qa');
    await userEvent.clear(form.name);
    await userEvent.type(form.name, 'payments-api-qa');
    await userEvent.type(form.reason, '  integration tests for the API ');
    await userEvent.click(form.submit);

    expect(api.createRequest).toHaveBeenCalledTimes(1);
    expect(api.createRequest).toHaveBeenCalledWith({
      owner: 'group:default/payments',
      tier: 'qa',
      cluster: 'sandbox',
      namespace: 'payments-api-qa',
      reason: 'integration tests for the API',
    });
    expect(await screen.findByText('Request filed')).toBeInTheDocument();
    expect(screen.getByText('Waiting for approval')).toBeInTheDocument();
    expect(
      screen.getByText(
        'An approver has to approve it before the namespace is made.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'See all your requests' }),
    ).toHaveAttribute('href', '/cluster-access/requests');

    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh status' }),
    );
    expect(await screen.findByText('Rejected')).toBeInTheDocument();
    expect(api.getRequest).toHaveBeenCalledWith({ id: created.id });

    await userEvent.click(
      screen.getByRole('button', { name: 'Request another namespace' }),
    );
    expect(await screen.findByLabelText('Namespace name')).toHaveValue('');
  });

  it('follows a request that is being provisioned until it is ready, without a click', async () => {
    const created = namespaceRequest({
      namespace: 'payments-api-dev',
      tier: 'dev',
      status: 'approved',
    });
    const statuses = ['provisioning', 'ready'] as const;
    let reads = 0;
    const api = fakeNamespaceApi({
      createRequest: jest.fn(async () => created),
      getRequest: jest.fn(async () =>
        namespaceRequest({
          ...created,
          status: statuses[Math.min(reads++, statuses.length - 1)],
        }),
      ),
    });
    const form = await renderForm({ api });
    await userEvent.selectOptions(form.owner, 'group:default/payments');
    await userEvent.clear(form.name);
    await userEvent.type(form.name, 'payments-api-dev');
    await userEvent.type(form.reason, 'work');
    await userEvent.click(form.submit);

    expect(await screen.findByText('Approved')).toBeInTheDocument();
    expect(await screen.findByText('Ready')).toBeInTheDocument();
    // Once ready, it is no longer read again.
    const calls = api.getRequest.mock.calls.length;
    await new Promise(r => setTimeout(r, 2500));
    expect(api.getRequest.mock.calls.length).toBe(calls);
  }, 30_000);

  it('shows the backend’s 409 when the namespace is taken, and keeps the form', async () => {
    const api = fakeNamespaceApi({
      createRequest: jest.fn(async () => {
        throw await ResponseError.fromResponse(
          errorResponse(
            409,
            'ConflictError',
            'Namespace payments-app-dev is already requested (request 42)',
          ),
        );
      }),
    });
    const form = await renderForm({
      api,
      route: '/cluster-access/request-namespace?owner=group:default/payments',
    });
    await userEvent.type(form.reason, 'try things');
    await userEvent.click(form.submit);

    expect(
      await screen.findByText(
        'Error: Conflict: Namespace payments-app-dev is already requested (request 42)',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Request filed')).toBeNull();
    expect(form.name.value).toBe('payments-app-dev');
    expect(form.submit).toBeEnabled();
  });

  it('says calmly, up front, that a user in no Group cannot request', async () => {
    const api = fakeNamespaceApi({
      listTiers: jest.fn(async () =>
        tiers.map(t => ({ ...t, requestable: [] })),
      ),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/guest',
              ownershipEntityRefs: ['user:default/guest'],
            }),
          ],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <RequestNamespaceForm />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('You can’t request namespaces on this portal'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/you are not a member of any Group in the catalog/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request namespace' }),
    ).toBeNull();
  });
});
