/*
 * The ValidatingAdmissionPolicy that confines the Cluster Access backend's service account to
 * the namespaces it manages. deploy/kubernetes/backend-admission-policy.yaml is this, for the
 * service account `backstage/backstage` (packages/sandbox/src/deploy.test.ts keeps them equal);
 * the Kubernetes peer installs it for its provisioner at start.
 */
import { KubeObject } from './resources';

/** Name of the policy and of its binding. */
export const backendAdmissionPolicyName = 'cluster-access-managed-namespaces';

const LABEL = 'app.kubernetes.io/managed-by';
const VALUE = 'backstage-cluster-access';

/** CEL: `obj` is present and carries the managed-by label with our value. */
const managed = (obj: string) =>
  `${obj} != null && has(${obj}.metadata.labels) && '${LABEL}' in ${obj}.metadata.labels && ${obj}.metadata.labels['${LABEL}'] == '${VALUE}'`;

/** The policy and its binding for the backend's service account. */
export function backendAdmissionPolicy(serviceAccount: {
  namespace: string;
  name: string;
}): KubeObject[] {
  const username = `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`;
  const labelled = `labelled ${LABEL}=${VALUE}`;
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: {
        name: backendAdmissionPolicyName,
        labels: { 'app.kubernetes.io/part-of': 'backstage-cluster-access' },
      },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE', 'DELETE'],
              resources: ['*'],
            },
          ],
        },
        matchConditions: [
          {
            name: 'cluster-access-backend',
            expression: `request.userInfo.username == '${username}'`,
          },
        ],
        variables: [
          {
            name: 'isNamespace',
            expression:
              "request.resource.group == '' && request.resource.resource == 'namespaces'",
          },
          { name: 'newManaged', expression: managed('object') },
          { name: 'oldManaged', expression: managed('oldObject') },
          { name: 'namespaceManaged', expression: managed('namespaceObject') },
        ],
        validations: [
          {
            expression:
              "!variables.isNamespace || request.operation != 'CREATE' || variables.newManaged",
            message: `the Cluster Access backend may only create namespaces ${labelled}`,
          },
          {
            expression:
              "!variables.isNamespace || request.operation == 'CREATE' || variables.oldManaged",
            message: `the Cluster Access backend may only change or delete namespaces ${labelled}`,
          },
          {
            expression:
              "!variables.isNamespace || request.operation != 'UPDATE' || variables.newManaged",
            message: `the Cluster Access backend may not remove ${LABEL}=${VALUE} from a namespace`,
          },
          {
            expression: 'variables.isNamespace || variables.namespaceManaged',
            message: `the Cluster Access backend may only write inside namespaces ${labelled}`,
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: {
        name: backendAdmissionPolicyName,
        labels: { 'app.kubernetes.io/part-of': 'backstage-cluster-access' },
      },
      spec: {
        policyName: backendAdmissionPolicyName,
        validationActions: ['Deny'],
      },
    },
  ];
}
