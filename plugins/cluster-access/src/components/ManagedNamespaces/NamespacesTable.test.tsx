import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { managedNamespace } from '../../testUtils/namespaces';
import { mockViewportWidth } from '../../testUtils/viewport';
import { NamespacesTable } from './NamespacesTable';

const paymentsDev = managedNamespace();
const searchDev = managedNamespace({
  name: 'search-index-dev',
  owner: 'group:default/search',
  requestId: '00000000-0000-4000-8000-0000000000b1',
  tier: 'qa',
});

async function renderTable() {
  const onMembers = jest.fn();
  const onDecommission = jest.fn();
  await renderInTestApp(
    <NamespacesTable
      scope="all"
      namespaces={[paymentsDev, searchDev]}
      canDecommission={ns => ns.name === 'payments-api-dev'}
      onMembers={onMembers}
      onDecommission={onDecommission}
    />,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { onMembers, onDecommission };
}

describe('NamespacesTable', () => {
  let viewport: { restore: () => void } | undefined;
  afterEach(() => viewport?.restore());

  it('on a phone, shows each namespace as a stacked item with its fields and actions', async () => {
    viewport = mockViewportWidth(390);
    const { onMembers, onDecommission } = await renderTable();
    const list = await screen.findByRole('list', { name: 'All namespaces' });
    expect(screen.queryByRole('table')).toBeNull();
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);

    const [payments, search] = items;
    expect(within(payments).getByText('payments-api-dev')).toBeInTheDocument();
    expect(within(payments).getByText('sandbox')).toBeInTheDocument();
    expect(within(payments).getByText('Ready')).toBeInTheDocument();
    // "label: value" lines instead of columns.
    const tier = within(payments).getByText('Tier');
    expect(tier.tagName).toBe('DT');
    expect(tier.nextElementSibling).toHaveTextContent('dev');
    expect(
      within(payments).getByText('Owner').nextElementSibling,
    ).toHaveTextContent('payments');

    await userEvent.click(
      within(payments).getByRole('button', {
        name: 'Members of payments-api-dev',
      }),
    );
    expect(onMembers).toHaveBeenCalledWith(paymentsDev);
    await userEvent.click(
      within(payments).getByRole('button', {
        name: 'Decommission payments-api-dev',
      }),
    );
    expect(onDecommission).toHaveBeenCalledWith(paymentsDev);
    expect(
      within(search).queryByRole('button', { name: /Decommission/ }),
    ).toBeNull();
    expect(
      within(search).getByText('Tier').nextElementSibling,
    ).toHaveTextContent('qa');
  });

  it('at desktop width, keeps the table with its columns', async () => {
    viewport = mockViewportWidth(1440);
    await renderTable();
    const table = await screen.findByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Namespace / cluster',
      'Owner',
      'Tier',
      'Status',
      'Members',
      'Quota',
      'Actions',
    ]);
    const row = within(table).getByText('payments-api-dev').closest('tr')!;
    expect(
      within(row as HTMLElement).getByRole('button', {
        name: 'Decommission payments-api-dev',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'All namespaces' })).toBeNull();
  });
});
