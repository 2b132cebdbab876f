import type { KubePeer } from './peer';

/**
 * deploy/kubernetes/vault-token-reviewer.yaml on a kube peer: a service account bound to
 * `system:auth-delegator`, whose token Vault uses for TokenReviews (`token_reviewer_jwt`).
 */
export function tokenReviewerJwt(
  kube: KubePeer,
  namespace = 'cluster-access',
): string {
  kube.putObject({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'vault-token-reviewer' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:auth-delegator',
    },
    subjects: [
      { kind: 'ServiceAccount', name: 'vault-token-reviewer', namespace },
    ],
  });
  return kube.issueServiceAccountToken({
    namespace,
    name: 'vault-token-reviewer',
    ttlSeconds: 24 * 3600,
  });
}
