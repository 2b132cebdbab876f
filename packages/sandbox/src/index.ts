/*
 * Local, API-faithful peers of HashiCorp Vault and the Kubernetes API server.
 *
 * These are development and test infrastructure only. The Cluster Access plugins never import
 * this package: they talk to the peers through their production clients (node-vault,
 * @kubernetes/client-node) and configuration, exactly as they would talk to the real systems.
 */
import 'reflect-metadata';

export * from './vault';
export * from './kube';
