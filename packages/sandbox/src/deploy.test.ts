import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { clusterAccessBackendPolicy } from './vault';
import {
  backendAdmissionPolicy,
  provisionerRoleName,
  provisionerRules,
} from './kube';
import { Namespace, Secret, ServiceAccount } from 'kubernetes-models/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';

// The production setup files in deploy/ must grant exactly what the local
// peers are set up with, so the tests exercise the documented permissions.
const deployDir = path.resolve(process.cwd(), 'deploy');
const root = fs.existsSync(deployDir)
  ? process.cwd()
  : path.resolve(process.cwd(), '../..');

describe('deploy/ files', () => {
  it('has the Vault policy the peer bootstrap uses', () => {
    const hcl = fs.readFileSync(
      path.join(root, 'deploy/vault/cluster-access-backend.hcl'),
      'utf8',
    );
    expect(hcl).toBe(
      clusterAccessBackendPolicy({
        pkiMount: 'pki',
        roleName: 'kubernetes-client',
      }),
    );
  });

  it('has the provisioner ClusterRole the Kubernetes peer binds', () => {
    const docs = YAML.parseAllDocuments(
      fs.readFileSync(
        path.join(root, 'deploy/kubernetes/backend-rbac.yaml'),
        'utf8',
      ),
    ).map(d => d.toJS());
    const role = docs.find(d => d.kind === 'ClusterRole');
    expect(role.metadata.name).toBe(provisionerRoleName);
    expect(role.rules).toEqual(JSON.parse(JSON.stringify(provisionerRules)));
    const binding = docs.find(d => d.kind === 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe(provisionerRoleName);
  });

  it('has the admission policy the Kubernetes peer enforces, for the service account of backend-rbac.yaml', () => {
    const read = (file: string) =>
      YAML.parseAllDocuments(
        fs.readFileSync(path.join(root, 'deploy/kubernetes', file), 'utf8'),
      ).map(d => d.toJS());
    const sa = read('backend-rbac.yaml').find(d => d.kind === 'ServiceAccount');
    expect(read('backend-admission-policy.yaml')).toEqual(
      backendAdmissionPolicy({
        namespace: sa.metadata.namespace,
        name: sa.metadata.name,
      }),
    );
  });

  it('has only valid Kubernetes objects', () => {
    const models: Record<string, new (data: any) => { validate(): void }> = {
      Namespace,
      Secret,
      ServiceAccount,
      ClusterRole,
      ClusterRoleBinding,
      ValidatingAdmissionPolicy,
      ValidatingAdmissionPolicyBinding,
    };
    const dir = path.join(root, 'deploy/kubernetes');
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      for (const doc of YAML.parseAllDocuments(
        fs.readFileSync(path.join(dir, file), 'utf8'),
      )) {
        const obj = doc.toJS();
        const Model = models[obj.kind];
        expect(Model).toBeDefined();
        expect(() => new Model(obj).validate()).not.toThrow();
      }
    }
  });
});
