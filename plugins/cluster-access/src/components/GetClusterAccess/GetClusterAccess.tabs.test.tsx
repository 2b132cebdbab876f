import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis as frontendMockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  CertificateRequest,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import clusterAccessPlugin from '../../alpha';
import { createTestCa, X509Certificate } from '../../testUtils/pki';
import { ClusterAccessPage } from '../ClusterAccessPage';

// Generating, then a look at another tab and back: the kubeconfig (and its
// private key) must still be there, and never in the browser's storage.

jest.setTimeout(60_000);

let ca: Awaited<ReturnType<typeof createTestCa>>;
beforeAll(async () => {
  ca = await createTestCa();
});
beforeEach(() => {
  URL.createObjectURL = jest.fn(() => 'blob:http://localhost/1');
  URL.revokeObjectURL = jest.fn();
});

function fakeApi() {
  return {
    getIdentity: jest.fn(async () => ({
      username: 'alice',
      groups: ['payments'],
      defaultTtlSeconds: 3600,
      maxTtlSeconds: 24 * 3600,
    })),
    issueCertificate: jest.fn(
      async (request: CertificateRequest): Promise<IssuedCertificate> => {
        const expiresAt = new Date(Date.now() + 3600_000);
        const certificate = await ca.sign(request.csr, {
          notAfter: expiresAt,
        });
        return {
          certificate,
          caChain: [ca.pem],
          serialNumber: new X509Certificate(certificate).serialNumber,
          expiresAt: expiresAt.toISOString(),
          username: 'alice',
          groups: ['payments'],
          clusters: [{ name: 'dev', server: 'https://dev.example.com:6443' }],
          warnings: [],
        };
      },
    ),
    listCertificates: jest.fn(async () => []),
    listAccess: jest.fn(async () => []),
    listHistory: jest.fn(async () => []),
    listHistoryPage: jest.fn(async () => ({ items: [], pageInfo: {} })),
  };
}

const downloadLink = () =>
  screen.findByRole('link', { name: /download alice-kubeconfig\.yaml/i });

async function generateThenLookAtHistoryAndBack() {
  await screen.findByText('alice');
  const generate = screen.getByRole('button', {
    name: /generate certificate and kubeconfig/i,
  });
  await waitFor(() => expect(generate).toBeEnabled());
  await userEvent.click(generate);
  await downloadLink();

  await userEvent.click(screen.getByRole('tab', { name: 'History' }));
  await waitFor(() => expect(screen.queryByText('alice')).toBeNull());
  await userEvent.click(
    screen.getByRole('tab', { name: 'Get cluster access' }),
  );
  expect(await downloadLink()).toBeInTheDocument();
  expect(screen.getByText('Your kubeconfig')).toBeInTheDocument();
  const stored = JSON.stringify({ ...localStorage, ...sessionStorage });
  expect(stored).not.toMatch(/PRIVATE KEY/);
}

describe('the kubeconfig across the page’s tabs', () => {
  it('stays after a look at another tab, in the new frontend system', async () => {
    const api = fakeApi();
    renderTestApp({
      features: [clusterAccessPlugin],
      apis: [
        [clusterAccessApiRef, api],
        [permissionApiRef, frontendMockApis.permission()],
      ],
      initialRouteEntries: ['/cluster-access/get-access'],
    });
    await generateThenLookAtHistoryAndBack();
    expect(api.issueCertificate).toHaveBeenCalledTimes(1);
  });

  it('stays after a look at another tab, on the legacy page', async () => {
    const api = fakeApi();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <ClusterAccessPage />
      </TestApiProvider>,
    );
    await generateThenLookAtHistoryAndBack();
    expect(api.issueCertificate).toHaveBeenCalledTimes(1);
  });
});
