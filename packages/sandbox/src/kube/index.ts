/*
 * The Kubernetes API peer: a local, API-faithful stand-in for kube-apiserver used by the demo
 * and the tests, since no real cluster runs on the development machines.
 */
export { startKubePeer } from './peer';
export type { KubePeer, KubePeerOptions, ObjectRef } from './peer';
export type { FaultSpec, KubePeerLogger, ListRequest } from './server';
export type { StaticTokenUser, UserInfo } from './auth';
export type { KubeObject, ObjectMeta, ManagedFieldsEntry } from './resources';
export {
  createCertificateAuthority,
  createClientCertificateAuthority,
  issueLeafCertificate,
} from './pki';
export type { CertificateAuthority } from './pki';
export type { ClientCertificateAuthority, CertificateAndKey } from './pki';
export { buildKubeconfig } from './kubeconfig';
export { tokenReviewerJwt } from './tokenReviewer';
export type { KubeconfigCredentials } from './kubeconfig';
export { provisionerRoleName, provisionerRules } from './bootstrap';
export type {
  AuthorizationDecision,
  AuthorizationLogEntry,
  CoverageCheck,
} from './audit';
export { breakdownRule, coversRules, ruleAllows } from './rbac';
export type { PolicyRule } from './rbac';
export {
  backendAdmissionPolicy,
  backendAdmissionPolicyName,
} from './backendAdmission';
