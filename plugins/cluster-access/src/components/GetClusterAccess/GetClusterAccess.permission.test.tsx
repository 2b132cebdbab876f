import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from '../../api';
import { GetClusterAccess } from './GetClusterAccess';

// A file of its own: usePermission caches decisions in a module-level SWR
// cache, keyed by the permission alone, so an ALLOW from another test in the
// same module registry would be served here instead of this test's DENY.
describe('GetClusterAccess without the create permission', () => {
  it('disables Generate and says why', async () => {
    const authorize = jest.fn(() => 'DENY' as const);
    const api = {
      listHistory: jest.fn(),
      getIdentity: jest.fn(async () => ({
        username: 'mallory',
        groups: ['guests'],
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 3600,
      })),
      issueCertificate: jest.fn(),
      listCertificates: jest.fn(async () => []),
      revokeCertificate: jest.fn(),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [permissionApiRef, mockApis.permission({ authorize })],
        ]}
      >
        <GetClusterAccess />
      </TestApiProvider>,
    );

    expect(await screen.findByText('mallory')).toBeInTheDocument();
    expect(
      await screen.findByText(
        'You do not have permission to get a cluster certificate on this portal.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: /generate certificate and kubeconfig/i,
      }),
    ).toBeDisabled();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'cluster-access.certificate.create',
        }),
      }),
    );
    expect(api.issueCertificate).not.toHaveBeenCalled();
  });
});
