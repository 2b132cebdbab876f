/**
 * Types, permissions and pure helpers shared by the Cluster Access plugins.
 *
 * @packageDocumentation
 */
export * from './access';
export * from './client';
export * from './csr';
export * from './kubeconfig';
export * from './kubeconfigCertificates';
export * from './lifecycle';
export * from './names';
export * from './namespaces';
export * from './permissionRules';
export * from './permissions';
export * from './types';
export * from './quantity';
export * from './signals';
