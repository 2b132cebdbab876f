import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { configApiRef } from '@backstage/core-plugin-api';
import { clusterAccessApiRef } from '../../api';
import { GetClusterAccess } from './GetClusterAccess';

// A file of its own: usePermission caches decisions in a module-level SWR
// cache, keyed by the permission alone, so an ALLOW from another test in the
// same module registry would be served here instead of this test's DENY.
describe('GetClusterAccess without the create permission', () => {
  it('shows one calm message naming the contact instead of the form', async () => {
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
          [
            configApiRef,
            mockApis.config({
              data: {
                clusterAccess: {
                  contact: {
                    name: '#platform on Slack',
                    url: 'https://chat.example.com/platform',
                  },
                },
              },
            }),
          ],
        ]}
      >
        <GetClusterAccess />
      </TestApiProvider>,
    );

    expect(
      await screen.findByText('You can’t get cluster access on this portal'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /#platform on Slack/ }),
    ).toHaveAttribute('href', 'https://chat.example.com/platform');
    // No form to fill in, no error panel, no second message.
    expect(
      screen.queryByRole('button', { name: /generate certificate/i }),
    ).toBeNull();
    expect(screen.queryByText(/error/i)).toBeNull();
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
