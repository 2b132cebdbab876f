import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { IssuedCertificate } from '@cluster-access/plugin-cluster-access-common';
import { KubeconfigResult } from './KubeconfigResult';

const certificate: IssuedCertificate = {
  certificate: '-----BEGIN CERTIFICATE-----\n...',
  caChain: [],
  serialNumber: '3f:9a',
  expiresAt: '2026-11-28T18:00:00.000Z',
  username: 'alice',
  groups: ['payments'],
  clusters: [
    { name: 'dev', title: 'Development', server: 'https://dev:6443' },
    { name: 'prod', server: 'https://prod:6443' },
  ],
  warnings: ['TTL capped at 8h'],
};

const kubeconfig = 'apiVersion: v1\nkind: Config\n';

let blobs: Blob[];
beforeEach(() => {
  blobs = [];
  URL.createObjectURL = jest.fn((blob: Blob) => {
    blobs.push(blob);
    return `blob:http://localhost/${blobs.length}`;
  });
  URL.revokeObjectURL = jest.fn();
});

describe('KubeconfigResult', () => {
  it('offers the kubeconfig as a download and releases it when it goes away', async () => {
    const { unmount } = await renderInTestApp(
      <KubeconfigResult certificate={certificate} kubeconfig={kubeconfig} />,
    );

    const link = screen.getByRole('link', {
      name: /download alice-kubeconfig\.yaml/i,
    });
    expect(link).toHaveAttribute('href', 'blob:http://localhost/1');
    expect(link).toHaveAttribute('download', 'alice-kubeconfig.yaml');
    expect(blobs).toHaveLength(1);
    expect(await blobs[0].text()).toBe(kubeconfig);
    expect(blobs[0].type).toBe('application/yaml');

    expect(screen.getByText('3f:9a')).toBeInTheDocument();
    expect(
      screen.getByText(new Date(certificate.expiresAt).toLocaleString()),
    ).toBeInTheDocument();
    expect(screen.getByText('TTL capped at 8h')).toBeInTheDocument();
    expect(
      screen.getByText(/It works on Development, prod\./),
    ).toBeInTheDocument();

    expect(URL.revokeObjectURL).not.toHaveBeenCalled();
    unmount();
    // The key must not outlive the page in a blob URL.
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/1');
  });

  it('says so when there is no cluster to make a kubeconfig for', async () => {
    await renderInTestApp(
      <KubeconfigResult certificate={{ ...certificate, clusters: [] }} />,
    );
    expect(screen.getByText(/No clusters to connect to/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /download/i })).toBeNull();
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });
});
