/*
 * Vault peer: an in-process, API-faithful stand-in for HashiCorp Vault 1.15 (tokens, policies,
 * Kubernetes and AppRole auth, PKI, identity), for the demo and the tests.
 */
export { startVaultPeer } from './server';
export type { VaultPeer, VaultPeerOptions, FailNextOptions } from './server';
export {
  bootstrapVaultForClusterAccess,
  clusterAccessBackendPolicy,
} from './bootstrap';
export type { BootstrapVaultOptions, BootstrapVaultResult } from './bootstrap';
