import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { CertificateRecord } from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import { CertificateList } from './CertificateList';

const HOUR = 3600_000;
const MINUTE = 60_000;

function records(): CertificateRecord[] {
  const now = Date.now();
  // Half a minute of slack, so that the time left cannot round down while
  // the test runs.
  const at = (ms: number) => new Date(now + ms).toISOString();
  return [
    {
      serialNumber: '0a:01',
      username: 'alice',
      groups: ['payments', 'sre'],
      issuedAt: at(-30 * MINUTE),
      expiresAt: at(7 * HOUR + 30 * MINUTE + 30_000),
    },
    {
      serialNumber: '0a:02',
      username: 'alice',
      groups: ['payments'],
      issuedAt: at(-2 * HOUR),
      expiresAt: at(6 * HOUR),
      revokedAt: at(-HOUR),
    },
    {
      serialNumber: '0a:03',
      username: 'alice',
      groups: ['payments'],
      issuedAt: at(-30 * HOUR),
      expiresAt: at(-22 * HOUR),
    },
  ];
}

function fakeApi() {
  let items = records();
  return {
    listHistory: jest.fn(),
    getIdentity: jest.fn(),
    issueCertificate: jest.fn(),
    listCertificates: jest.fn(async () => items),
    revokeCertificate: jest.fn(async ({ serialNumber }) => {
      items = items.map(c =>
        c.serialNumber === serialNumber
          ? { ...c, revokedAt: new Date().toISOString() }
          : c,
      );
      return items.find(c => c.serialNumber === serialNumber)!;
    }),
  };
}

async function renderList(api: ReturnType<typeof fakeApi>) {
  await renderInTestApp(
    <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
      <CertificateList />
    </TestApiProvider>,
  );
  await screen.findByText('0a:01');
}

const row = (serial: string) => screen.getByText(serial).closest('tr')!;

describe('CertificateList', () => {
  it('shows the time left of active certificates and marks revoked ones', async () => {
    await renderList(fakeApi());

    expect(within(row('0a:01')).getByText('7h 30m left')).toBeInTheDocument();
    expect(within(row('0a:01')).getByText('sre')).toBeInTheDocument();
    expect(within(row('0a:02')).getByText(/^Revoked/)).toBeInTheDocument();
    // Only an active certificate can be revoked.
    expect(
      within(row('0a:01')).getByRole('button', { name: /revoke/i }),
    ).toBeInTheDocument();
    expect(
      within(row('0a:02')).queryByRole('button', { name: /revoke/i }),
    ).toBeNull();
    // Expired ones only on request.
    expect(screen.queryByText('0a:03')).toBeNull();
    await userEvent.click(screen.getByLabelText('Show expired'));
    expect(within(row('0a:03')).getByText('Expired')).toBeInTheDocument();
  });

  it('shortens a long serial number, with the whole one on hover and a copy button', async () => {
    const serial =
      '3a:1f:07:5c:9e:22:b4:10:6d:88:01:fe:43:aa:2b:70:c9:d1:e2:9c';
    const api = fakeApi();
    const listed = await api.listCertificates();
    api.listCertificates.mockResolvedValue([
      { ...listed[0], serialNumber: serial },
    ]);
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
        <CertificateList />
      </TestApiProvider>,
    );
    const short = await screen.findByText('3a:1f…e2:9c');
    expect(screen.queryByText(serial)).toBeNull();

    await userEvent.hover(short);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(serial);

    // copy-to-clipboard selects the text and asks the browser to copy it.
    let copied = '';
    document.execCommand = jest.fn(() => {
      copied = document.getSelection()?.toString() ?? '';
      return true;
    });
    await userEvent.click(
      within(short.closest('tr')!).getByRole('button', {
        name: 'Copy serial number',
      }),
    );
    expect(document.execCommand).toHaveBeenCalledWith('copy');
    expect(copied).toBe(serial);
  });

  it('revokes a certificate after confirmation, then shows it revoked', async () => {
    const api = fakeApi();
    await renderList(api);

    await userEvent.click(
      screen.getByRole('button', { name: 'Revoke certificate 0a:01' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Kubernetes API servers do not check revocation',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Revoke' }),
    );

    expect(api.revokeCertificate).toHaveBeenCalledWith({
      serialNumber: '0a:01',
    });
    await waitFor(() =>
      expect(within(row('0a:01')).getByText(/^Revoked/)).toBeInTheDocument(),
    );
    expect(api.listCertificates).toHaveBeenCalledTimes(2);
  });

  it('does nothing when the confirmation is cancelled', async () => {
    const api = fakeApi();
    await renderList(api);
    await userEvent.click(
      screen.getByRole('button', { name: 'Revoke certificate 0a:01' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.revokeCertificate).not.toHaveBeenCalled();
  });

  it('shows why a revocation failed', async () => {
    const api = fakeApi();
    api.revokeCertificate.mockRejectedValue(new Error('Vault is sealed'));
    await renderList(api);
    await userEvent.click(
      screen.getByRole('button', { name: 'Revoke certificate 0a:01' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Revoke',
      }),
    );
    expect(
      await screen.findByText(
        'Error: Could not revoke the certificate: Vault is sealed',
      ),
    ).toBeInTheDocument();
    expect(within(row('0a:01')).getByText('7h 30m left')).toBeInTheDocument();
  });

  it('shows an error panel when the list cannot be read', async () => {
    const api = fakeApi();
    api.listCertificates.mockRejectedValue(new Error('backend unavailable'));
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
        <CertificateList />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Error: backend unavailable'),
    ).toBeInTheDocument();
  });
});
