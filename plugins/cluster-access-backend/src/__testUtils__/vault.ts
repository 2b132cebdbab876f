import { mockServices } from '@backstage/backend-test-utils';
import {
  bootstrapVaultForClusterAccess,
  BootstrapVaultOptions,
  BootstrapVaultResult,
  startVaultPeer,
  VaultPeer,
} from '@cluster-access/sandbox';
import { VaultAuthSettings, VaultSettings } from '../config/types';

/** A running, bootstrapped Vault peer for a test file. */
export interface TestVault {
  peer: VaultPeer;
  setup: BootstrapVaultResult;
  /** Backend config for this Vault with the given auth (default: the bootstrap token). */
  config(
    overrides?: Partial<Omit<VaultSettings, 'auth'>> & {
      auth?: VaultAuthSettings;
    },
  ): VaultSettings;
  /** Calls the peer with the root token, like an operator would. */
  root(method: string, path: string, body?: unknown): Promise<any>;
}

/** Starts the Vault peer on a free port and bootstraps it for Cluster Access. */
export async function startTestVault(
  options: Omit<BootstrapVaultOptions, 'url' | 'rootToken'> = {},
): Promise<TestVault> {
  const peer = await startVaultPeer({ port: 0 });
  const setup = await bootstrapVaultForClusterAccess({
    url: peer.url,
    rootToken: peer.rootToken,
    ...options,
  });
  const root = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${peer.url}/v1/${path}`, {
      method,
      headers: {
        'X-Vault-Token': peer.rootToken,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  };
  return {
    peer,
    setup,
    root,
    config: (overrides = {}) => ({
      address: peer.url,
      pkiMount: setup.pkiMount,
      role: setup.roleName,
      timeoutMs: 2000,
      identity: {},
      auth: { method: 'token', token: setup.backendToken },
      ...overrides,
    }),
  };
}

/** A logger that keeps what it was told, to assert warnings and secrecy. */
export function recordingLogger() {
  const lines: string[] = [];
  const logger = mockServices.logger.mock();
  for (const level of ['error', 'warn', 'info', 'debug'] as const) {
    logger[level].mockImplementation((message: string) => {
      lines.push(`${level}: ${message}`);
    });
  }
  logger.child.mockImplementation(() => logger);
  return { logger, lines };
}
