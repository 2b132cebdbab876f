import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { clusterAccessApiRef } from '../../api';
import {
  errorResponse,
  fakeNamespaceApi,
  requestManifests,
} from '../../testUtils/namespaces';
import { RequestManifests } from './RequestManifests';

let blobs: Map<string, Blob>;
beforeEach(() => {
  blobs = new Map();
  URL.createObjectURL = jest.fn((blob: Blob) => {
    const url = `blob:http://localhost/${blobs.size + 1}`;
    blobs.set(url, blob);
    return url;
  });
  URL.revokeObjectURL = jest.fn();
});

const ID = '00000000-0000-4000-8000-0000000000a1';

async function renderManifests(api: ReturnType<typeof fakeNamespaceApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
      <RequestManifests requestId={ID} />
    </TestApiProvider>,
  );
}

describe('RequestManifests', () => {
  it('shows the YAML in its own scrolling region, with Download and Copy', async () => {
    const api = fakeNamespaceApi();
    const manifests = requestManifests({ id: ID });
    await renderManifests(api);

    const region = await screen.findByRole('region', {
      name: 'Manifests of payments-api-qa',
    });
    expect(api.getRequestManifests).toHaveBeenCalledWith({ id: ID });
    expect(region).toHaveTextContent('kind: RoleBinding');
    expect(region).toHaveTextContent('name: ca-edit-alice');
    expect(
      screen.getByText(/will be applied once the request is approved/),
    ).toBeInTheDocument();

    const download = screen.getByRole('link', { name: 'Download' });
    expect(download).toHaveAttribute(
      'download',
      'sandbox-payments-api-qa.yaml',
    );
    const blob = blobs.get(download.getAttribute('href')!)!;
    expect(await blob.text()).toBe(manifests.yaml);

    const writeText = jest.fn(async () => {});
    Object.defineProperty(window.navigator, 'clipboard', {
      value: { writeText },
      configurable: true,
    });
    await userEvent.click(screen.getByRole('button', { name: 'Copy YAML' }));
    expect(writeText).toHaveBeenCalledWith(manifests.yaml);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeVisible();
  });

  it('says what applied objects are to the request', async () => {
    await renderManifests(
      fakeNamespaceApi({
        getRequestManifests: jest.fn(async () =>
          requestManifests({ id: ID, status: 'ready', state: 'applied' }),
        ),
      }),
    );
    expect(
      await screen.findByText(
        /applied in the cluster; Cluster Access keeps them so/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a failure to render as an error, not an empty file', async () => {
    await renderManifests(
      fakeNamespaceApi({
        getRequestManifests: jest.fn(async () => {
          throw await ResponseError.fromResponse(
            errorResponse(
              404,
              'NotFoundError',
              'Tier gold is no longer configured',
            ),
          );
        }),
      }),
    );
    await waitFor(() =>
      expect(
        screen.getAllByText(/Tier gold is no longer configured/).length,
      ).toBeGreaterThan(0),
    );
    expect(screen.queryByRole('link', { name: 'Download' })).toBeNull();
  });
});
