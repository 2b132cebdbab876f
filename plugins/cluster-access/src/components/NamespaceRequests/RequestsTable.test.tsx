import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { namespaceRequest } from '../../testUtils/namespaces';
import { mockViewportWidth } from '../../testUtils/viewport';
import { RequestsTable } from './RequestsTable';

// carol decides; one request is alice's, the newer one carol's own.
const alicesRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-00000000000a',
  namespace: 'payments-api-qa',
});
const carolsRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-00000000000c',
  namespace: 'platform-tools-qa',
  owner: 'group:default/platform',
  requester: 'user:default/carol',
  createdAt: '2026-11-29T10:00:00.000Z',
});

async function renderTable() {
  const onDetails = jest.fn();
  const onDecide = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[permissionApiRef, mockApis.permission()]]}>
      <RequestsTable
        title="Waiting for a decision"
        requests={[alicesRequest, carolsRequest]}
        emptyText="No request is waiting for a decision."
        userEntityRef="user:default/carol"
        onDetails={onDetails}
        onDecide={onDecide}
      />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { onDetails, onDecide };
}

describe('RequestsTable', () => {
  let viewport: { restore: () => void } | undefined;
  afterEach(() => viewport?.restore());

  it('on a phone, shows each request as a stacked item, newest first, with its actions as words', async () => {
    viewport = mockViewportWidth(390);
    const { onDetails, onDecide } = await renderTable();
    const list = await screen.findByRole('list', {
      name: 'Waiting for a decision',
    });
    expect(screen.queryByRole('table')).toBeNull();
    const [carols, alices] = within(list).getAllByRole('listitem');

    expect(within(carols).getByText('platform-tools-qa')).toBeInTheDocument();
    expect(
      within(carols).getByText('Your request — someone else decides'),
    ).toBeInTheDocument();
    expect(
      within(carols).queryByRole('button', { name: /Approve/ }),
    ).toBeNull();

    expect(within(alices).getByText('payments-api-qa')).toBeInTheDocument();
    expect(within(alices).getByText('sandbox')).toBeInTheDocument();
    expect(
      within(alices).getByText('Waiting for approval'),
    ).toBeInTheDocument();
    for (const [label, value] of [
      ['Requester', 'alice'],
      ['Owner', 'payments'],
      ['Tier', 'qa'],
    ]) {
      const term = within(alices).getByText(label);
      expect(term.tagName).toBe('DT');
      expect(term.nextElementSibling).toHaveTextContent(value);
    }
    // Named buttons rather than bare icons: a phone has no hover tooltip.
    const approve = await within(alices).findByRole('button', {
      name: 'Approve payments-api-qa',
    });
    expect(approve).toHaveTextContent('Approve');
    await userEvent.click(approve);
    expect(onDecide).toHaveBeenCalledWith(alicesRequest, 'approve');
    const details = within(alices).getByRole('button', {
      name: 'Details of payments-api-qa',
    });
    expect(details).toHaveTextContent('Details and history');
    await userEvent.click(details);
    expect(onDetails).toHaveBeenCalledWith(alicesRequest);
  });

  it('at desktop width, keeps the table with icon actions', async () => {
    viewport = mockViewportWidth(1440);
    await renderTable();
    const table = await screen.findByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Namespace / cluster',
      'Status',
      'Requester',
      'Owner',
      'Tier',
      'Created',
      'Actions',
    ]);
    const row = within(table)
      .getByText('payments-api-qa')
      .closest('tr') as HTMLElement;
    const approve = await within(row).findByRole('button', {
      name: 'Approve payments-api-qa',
    });
    expect(approve).not.toHaveTextContent('Approve');
    expect(screen.queryByRole('list')).toBeNull();
  });
});
