import type { CacheReadResult, CachedCredential } from './cache';
import {
  formatExecCredential,
  readExecInfo,
  renewalReason,
} from './execCredential';

const backendUrl = 'https://bs.example.com';
const now = Date.parse('2026-01-01T12:00:00Z');

function cached(expiresAt: string, from = backendUrl): CacheReadResult {
  return {
    state: 'ok',
    credential: {
      version: 1,
      backendUrl: from,
      username: 'alice',
      groups: ['payments'],
      serialNumber: '01',
      issuedAt: '2026-01-01T04:00:00Z',
      expiresAt,
      keyType: 'ECDSA-P256',
      clientCertificateData: 'CERT',
      clientKeyData: 'KEY',
    },
  };
}

describe('renewalReason', () => {
  const decide = (cache: CacheReadResult, minRemainingSeconds = 600) =>
    renewalReason({ cache, backendUrl, minRemainingSeconds, now });

  it('hands out a certificate with at least --min-remaining left', () => {
    expect(decide(cached('2026-01-01T20:00:00Z'))).toBeUndefined();
    expect(decide(cached('2026-01-01T12:10:00Z'))).toBeUndefined();
  });

  it('renews one near its expiry, or expired', () => {
    expect(decide(cached('2026-01-01T12:09:59Z'))).toBe(
      'the cached certificate expires in 9m59s, less than 10m',
    );
    expect(decide(cached('2026-01-01T12:09:59Z'), 300)).toBeUndefined();
    expect(decide(cached('2026-01-01T11:59:00Z'), 0)).toBe(
      'the cached certificate has expired',
    );
  });

  it('renews one from another backend, a missing one and a damaged one', () => {
    expect(
      decide(cached('2026-01-01T20:00:00Z', 'https://other.example.com')),
    ).toBe('the cached certificate is from https://other.example.com');
    expect(decide({ state: 'missing' })).toBe('no certificate is cached');
    expect(decide({ state: 'invalid', reason: 'it is not JSON' })).toBe(
      'the cache cannot be used: it is not JSON',
    );
  });
});

describe('readExecInfo', () => {
  it('defaults to v1 when kubectl did not set KUBERNETES_EXEC_INFO', () => {
    expect(readExecInfo({})).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      interactive: false,
    });
  });

  it('reads what kubectl sets', () => {
    expect(
      readExecInfo({
        KUBERNETES_EXEC_INFO: JSON.stringify({
          kind: 'ExecCredential',
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          spec: { interactive: true },
        }),
      }),
    ).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      interactive: true,
    });
  });

  it('refuses a version it does not speak, and what is not an ExecCredential', () => {
    expect(() =>
      readExecInfo({
        KUBERNETES_EXEC_INFO:
          '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v2"}',
      }),
    ).toThrow(
      'kubectl asked for ExecCredential client.authentication.k8s.io/v2',
    );
    expect(() =>
      readExecInfo({ KUBERNETES_EXEC_INFO: '{"kind":"Pod"}' }),
    ).toThrow('not an ExecCredential');
    expect(() => readExecInfo({ KUBERNETES_EXEC_INFO: '{' })).toThrow(
      'not JSON',
    );
  });
});

describe('formatExecCredential', () => {
  it('prints the ExecCredential kubectl reads: certificate, key and NotAfter', () => {
    const { credential } = cached('2026-01-01T20:00:00Z') as {
      credential: CachedCredential;
    };
    const text = formatExecCredential({
      credential,
      apiVersion: 'client.authentication.k8s.io/v1',
    });
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: {
        clientCertificateData: 'CERT',
        clientKeyData: 'KEY',
        expirationTimestamp: '2026-01-01T20:00:00Z',
      },
    });
  });
});
