import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { clusterAccessApiRef } from '../api';
import { fakeNamespaceApi } from '../testUtils/namespaces';
import { ClusterAccessClusterPicker } from './ClusterPicker';
import {
  ClusterAccessNamespaceName,
  validateNamespaceName,
} from './NamespaceNameField';
import { ClusterAccessTierPicker } from './TierPicker';

/** The props RJSF gives a field, as far as these fields read them. */
function fieldProps(field: {
  name: string;
  title: string;
  description?: string;
  formData?: string;
  form?: Record<string, unknown>;
  uiOptions?: Record<string, unknown>;
}) {
  const onChange = jest.fn();
  return {
    onChange,
    props: {
      onChange,
      formData: field.formData,
      required: true,
      rawErrors: [],
      schema: { title: field.title, description: field.description },
      idSchema: { $id: `root_${field.name}` },
      uiSchema: { 'ui:options': field.uiOptions ?? {} },
      formContext: { formData: field.form ?? {} },
    } as any,
  };
}

async function render(element: JSX.Element, api = fakeNamespaceApi()) {
  await renderInTestApp(
    <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
      {element}
    </TestApiProvider>,
  );
  return api;
}

async function options(label: string): Promise<string[]> {
  await userEvent.click(await screen.findByLabelText(label));
  const listbox = await screen.findByRole('listbox');
  const names = within(listbox)
    .getAllByRole('option')
    .map(o => o.textContent ?? '');
  await userEvent.keyboard('{Escape}');
  return names;
}

describe('ClusterAccessTierPicker', () => {
  it('offers the tiers the backend offers, with whether they need an approver', async () => {
    const { props, onChange } = fieldProps({ name: 'tier', title: 'Tier' });
    const api = await render(<ClusterAccessTierPicker {...props} />);
    await waitFor(() =>
      expect(screen.getByLabelText('Tier')).not.toHaveAttribute(
        'aria-disabled',
      ),
    );
    expect(await options('Tier')).toEqual([
      'Development (made at once)',
      'QA (needs an approver)',
    ]);
    expect(api.listTiers).toHaveBeenCalled();
    await userEvent.click(screen.getByLabelText('Tier'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'QA (needs an approver)' }),
    );
    expect(onChange).toHaveBeenCalledWith('qa');
  });

  it('shows the chosen tier’s description, and says when the tiers cannot be loaded', async () => {
    const { props } = fieldProps({
      name: 'tier',
      title: 'Tier',
      formData: 'dev',
    });
    await render(<ClusterAccessTierPicker {...props} />);
    expect(
      await screen.findByText('A namespace to build and try things in.'),
    ).toBeInTheDocument();
  });

  it('says when the tiers cannot be loaded', async () => {
    const { props } = fieldProps({ name: 'tier', title: 'Tier' });
    await render(
      <ClusterAccessTierPicker {...props} />,
      fakeNamespaceApi({
        listTiers: jest.fn(async () => {
          throw new Error('Request failed with 503');
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Could not load the tiers: Request failed with 503',
      ),
    ).toBeInTheDocument();
  });
});

describe('ClusterAccessClusterPicker', () => {
  it('offers the clusters of the chosen tier and takes the only one', async () => {
    const { props, onChange } = fieldProps({
      name: 'cluster',
      title: 'Cluster',
      form: { tier: 'qa' },
    });
    await render(<ClusterAccessClusterPicker {...props} />);
    // Only sandbox offers qa.
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('sandbox'));
  });

  it('offers every cluster of the tier, by title, and clears a choice the tier does not allow', async () => {
    const dev = fieldProps({
      name: 'cluster',
      title: 'Cluster',
      form: { tier: 'dev' },
    });
    await render(<ClusterAccessClusterPicker {...dev.props} />);
    await waitFor(() =>
      expect(screen.getByLabelText('Cluster')).not.toHaveAttribute(
        'aria-disabled',
      ),
    );
    expect(await options('Cluster')).toEqual(['Sandbox', 'edge']);
    expect(dev.onChange).not.toHaveBeenCalled();
  });

  it('clears a cluster that does not offer the chosen tier', async () => {
    const { props, onChange } = fieldProps({
      name: 'cluster',
      title: 'Cluster',
      formData: 'edge',
      form: { tier: 'qa' },
    });
    await render(<ClusterAccessClusterPicker {...props} />);
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(undefined));
  });
});

describe('ClusterAccessNamespaceName', () => {
  it('shows the chosen tier’s naming rule for the chosen owner, as plain text', async () => {
    const { props } = fieldProps({
      name: 'namespace',
      title: 'Namespace name',
      form: { tier: 'dev', owner: 'group:default/payments' },
    });
    await render(<ClusterAccessNamespaceName {...props} />);
    expect(
      await screen.findByText(
        'Naming rule of Development: {group}-{suffix}-dev, e.g. payments-api-dev',
      ),
    ).toBeInTheDocument();
  });

  it('says what is wrong with a name', async () => {
    const { props } = fieldProps({
      name: 'namespace',
      title: 'Namespace name',
      formData: 'search-api-dev',
      form: { tier: 'dev', owner: 'group:default/payments' },
    });
    await render(<ClusterAccessNamespaceName {...props} />);
    expect(
      await screen.findByText(
        "The name must follow the Development tier's naming rule {group}-{suffix}-dev, e.g. payments-api-dev",
      ),
    ).toBeInTheDocument();
  });

  it('refuses a name against the naming rule before the template runs', async () => {
    const api = fakeNamespaceApi();
    const context = {
      apiHolder: { get: () => api } as any,
      formData: { tier: 'qa', owner: 'group:default/payments' },
      schema: {},
    };
    const errors: string[] = [];
    const field = { addError: (e: string) => errors.push(e) } as any;
    await validateNamespaceName('payments-api-dev', field, context);
    expect(errors).toEqual([
      "The name must follow the QA tier's naming rule {group}-{suffix}-qa, e.g. payments-api-qa",
    ]);
    errors.length = 0;
    await validateNamespaceName('payments-api-qa', field, context);
    expect(errors).toEqual([]);
    await validateNamespaceName('Payments_QA', field, context);
    expect(errors.length).toBeGreaterThan(0);
  });
});
