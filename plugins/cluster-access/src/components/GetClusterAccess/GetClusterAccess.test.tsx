import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  CertificateIdentity,
  CertificateRequest,
  ClusterInfo,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessApi, clusterAccessApiRef } from '../../api';
import {
  createTestCa,
  csrSubject,
  Pkcs10CertificateRequest,
  X509Certificate,
} from '../../testUtils/pki';
import { GetClusterAccess } from './GetClusterAccess';

const identity: CertificateIdentity = {
  username: 'alice',
  groups: ['payments', 'sre'],
  defaultTtlSeconds: 8 * 3600,
  maxTtlSeconds: 24 * 3600,
};

const clusters: ClusterInfo[] = [
  {
    name: 'dev',
    title: 'Development',
    server: 'https://dev.example.com:6443',
    certificateAuthorityData: 'ZGV2LWNh',
  },
  { name: 'prod', server: 'https://prod.example.com:6443' },
];

let ca: Awaited<ReturnType<typeof createTestCa>>;
beforeAll(async () => {
  ca = await createTestCa();
});

/** Blobs handed to URL.createObjectURL, by the URL returned for them. */
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

/** A backend whose issuance signs the CSR verbatim with the test CA. */
function fakeApi() {
  const issueCertificate = jest.fn(
    async (request: CertificateRequest): Promise<IssuedCertificate> => {
      const expiresAt = new Date(
        Date.now() + (request.ttlSeconds ?? 3600) * 1000,
      );
      const certificate = await ca.sign(request.csr, { notAfter: expiresAt });
      return {
        certificate,
        caChain: [ca.pem],
        serialNumber: new X509Certificate(certificate).serialNumber,
        expiresAt: expiresAt.toISOString(),
        username: 'alice',
        groups: ['payments', 'sre'],
        clusters,
        warnings: ['TTL of "1h" is less than the role default'],
      };
    },
  );
  return {
    listHistory: jest.fn(async () => []),
    getIdentity: jest.fn(async () => identity),
    issueCertificate,
    listCertificates: jest.fn(async () => []),
    revokeCertificate: jest.fn(),
    listAccess: jest.fn(async () => []),
  };
}

async function renderGetClusterAccess(
  // The tab uses the certificate methods only.
  api: Partial<ClusterAccessApi>,
  permission = mockApis.permission(),
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, api],
        [permissionApiRef, permission],
      ]}
    >
      <GetClusterAccess />
    </TestApiProvider>,
  );
}

/** The code block (a syntax-highlighted snippet) that contains `text`. */
// Backstage's CodeSnippet loads its highlighter lazily: the code may come a
// moment after the rest of the result.
const codeContaining = (text: string) =>
  screen.findByText(
    (_, element) =>
      element?.tagName === 'CODE' && !!element.textContent?.includes(text),
  );

const generateButton = () =>
  screen.getByRole('button', { name: /generate certificate and kubeconfig/i });

describe('GetClusterAccess', () => {
  it('shows who the certificate is for and the TTL choices within the cap', async () => {
    await renderGetClusterAccess(fakeApi());

    expect(await screen.findByText('alice')).toBeInTheDocument();
    const groups = screen.getByRole('list', { name: 'Groups' });
    expect(
      within(groups)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['payments', 'sre']);

    const ttl = screen.getByLabelText('Valid for') as HTMLSelectElement;
    expect(ttl.value).toBe(String(8 * 3600));
    expect([...ttl.options].map(o => o.textContent)).toEqual([
      '15 minutes',
      '1 hour',
      '4 hours',
      '8 hours',
      '12 hours',
      '1 day',
    ]);
    expect(screen.getByText('At most 1 day')).toBeInTheDocument();
    await waitFor(() => expect(generateButton()).toBeEnabled());
  });

  it('sends a CSR for the user’s subject, then offers the kubeconfig and the commands', async () => {
    const api = fakeApi();
    await renderGetClusterAccess(api);
    await screen.findByText('alice');
    await userEvent.selectOptions(screen.getByLabelText('Valid for'), '3600');
    await waitFor(() => expect(generateButton()).toBeEnabled());
    await userEvent.click(generateButton());

    const download = await screen.findByRole('link', {
      name: /download alice-kubeconfig\.yaml/i,
    });

    // Only a CSR and the TTL went to the backend; no key material.
    expect(api.issueCertificate).toHaveBeenCalledTimes(1);
    const request = api.issueCertificate.mock.calls[0][0];
    expect(Object.keys(request).sort()).toEqual(['csr', 'ttlSeconds']);
    expect(request.ttlSeconds).toBe(3600);
    expect(request.csr).not.toMatch(/PRIVATE KEY/);
    expect(csrSubject(request.csr)).toEqual([
      ['CN', 'alice'],
      ['O', 'payments'],
      ['O', 'sre'],
    ]);
    const csr = new Pkcs10CertificateRequest(request.csr);
    expect(await csr.verify(crypto)).toBe(true);

    // The download is the kubeconfig built around the returned certificate.
    expect(download).toHaveAttribute('download', 'alice-kubeconfig.yaml');
    const blob = blobs.get(download.getAttribute('href')!);
    expect(blob).toBeDefined();
    // The common package's tests parse the YAML in full; here it is enough
    // to find the fields in its one-line-per-field output.
    const kubeconfig = await blob!.text();
    const field = (name: string) =>
      kubeconfig.match(new RegExp(`^\\s*${name}: (\\S+)$`, 'm'))?.[1];
    expect(kubeconfig).toMatch(/^kind: Config$/m);
    expect(field('current-context')).toBe('dev');
    expect(field('server')).toBe('https://dev.example.com:6443');
    const issued = await api.issueCertificate.mock.results[0].value;
    expect(atob(field('client-certificate-data')!)).toBe(
      `${issued.certificate}\n`,
    );
    // The key in the file is the one whose public half is in the CSR.
    const keyPem = atob(field('client-key-data')!);
    const key = await crypto.subtle.importKey(
      'pkcs8',
      Uint8Array.from(atob(keyPem.replace(/-----[A-Z ]+-----|\s/g, '')), c =>
        c.charCodeAt(0),
      ),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const data = new TextEncoder().encode('proof');
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      data,
    );
    expect(
      await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        await csr.publicKey.export(crypto),
        signature,
        data,
      ),
    ).toBe(true);

    // The commands to try and merge it, the expiry and the signer's warning.
    const snippet = await codeContaining('kubectl config view --flatten');
    expect(snippet.textContent).toContain(
      'kubectl --kubeconfig "$HOME/Downloads/alice-kubeconfig.yaml" auth whoami',
    );
    expect(snippet.textContent).toContain(
      'KUBECONFIG="$HOME/Downloads/alice-kubeconfig.yaml:$HOME/.kube/config" kubectl config view --flatten',
    );
    expect(
      screen.getByText(new Date(issued.expiresAt).toLocaleString()),
    ).toBeInTheDocument();
    expect(
      screen.getByText('TTL of "1h" is less than the role default'),
    ).toBeInTheDocument();
    // The list of certificates is read again, to show the new one (the
    // "you already have one" note read it once too).
    await waitFor(() => expect(api.listCertificates).toHaveBeenCalledTimes(3));
  });

  it('shows that Vault is unavailable when issuance fails with 503', async () => {
    const api = fakeApi();
    api.issueCertificate.mockImplementation(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'ServiceUnavailableError',
              message: 'Vault is sealed',
            },
            request: {
              method: 'POST',
              url: '/api/cluster-access/certificates',
            },
            response: { statusCode: 503 },
          }),
          {
            status: 503,
            statusText: 'Service Unavailable',
            headers: { 'Content-Type': 'application/json' },
          },
        ),
      );
    });
    await renderGetClusterAccess(api);
    await screen.findByText('alice');
    await waitFor(() => expect(generateButton()).toBeEnabled());
    await userEvent.click(generateButton());

    expect(
      await screen.findByText(/^Error: Vault is unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByText('Vault is sealed')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /download/i })).toBeNull();
    // Nothing is left half-done: Generate can be tried again.
    expect(generateButton()).toBeEnabled();
  });

  it('says the certificate was issued when the kubeconfig cannot be built from it', async () => {
    const api = fakeApi();
    api.issueCertificate.mockResolvedValue({
      certificate: 'not a certificate',
      caChain: [],
      serialNumber: '0b:0c',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      username: 'alice',
      groups: ['payments', 'sre'],
      clusters,
      warnings: [],
    });
    await renderGetClusterAccess(api);
    await screen.findByText('alice');
    await waitFor(() => expect(generateButton()).toBeEnabled());
    await userEvent.click(generateButton());

    // The panel's title, and its details below.
    expect(
      await screen.findAllByText(
        /Certificate 0b:0c was issued, but no kubeconfig could be made from it: The client certificate must be exactly one PEM CERTIFICATE/,
      ),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('link', { name: /download/i })).toBeNull();
  });

  it('shows an error panel when the identity cannot be read', async () => {
    const api = fakeApi();
    api.getIdentity.mockRejectedValue(new Error('backend unavailable'));
    await renderGetClusterAccess(api);
    expect(
      await screen.findByText('Error: backend unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /generate/i }),
    ).not.toBeInTheDocument();
  });
});
