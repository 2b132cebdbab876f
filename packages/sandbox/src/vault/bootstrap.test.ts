import {
  bootstrapVaultForClusterAccess,
  clusterAccessBackendPolicy,
  startVaultPeer,
  VaultPeer,
} from './index';
import { KubePeer, startKubePeer } from '../kube';
import { tokenReviewerJwt } from '../kube/tokenReviewer';
import {
  extendedKeyUsages,
  makeCsr,
  parseCert,
  vaultClient,
  vaultFailure,
  verifiesAgainst,
} from './__testUtils__/helpers';

const PERMISSION_DENIED = {
  status: 403,
  errors: ['1 error occurred:\n\t* permission denied\n\n'],
};

describe('bootstrapVaultForClusterAccess', () => {
  let peer: VaultPeer;
  let kube: KubePeer;

  beforeAll(async () => {
    [peer, kube] = await Promise.all([
      startVaultPeer(),
      startKubePeer({
        provisionerServiceAccount: {
          namespace: 'backstage',
          name: 'cluster-access',
        },
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([peer.close(), kube.close()]);
  });

  it('configures PKI, the backend policy, a backend token and both auth methods over HTTP', async () => {
    const result = await bootstrapVaultForClusterAccess({
      url: peer.url,
      rootToken: peer.rootToken,
      approle: true,
      // As deploy/vault/setup.sh: kubernetes_host, kubernetes_ca_cert, token_reviewer_jwt.
      kubernetes: {
        host: kube.url,
        caCert: kube.caPem,
        tokenReviewerJwt: tokenReviewerJwt(kube, 'backstage'),
        serviceAccount: 'cluster-access',
        namespace: 'backstage',
      },
    });
    expect(result).toMatchObject({
      pkiMount: 'pki',
      roleName: 'kubernetes-client',
      backendPolicy: 'cluster-access-backend',
      kubernetesAuth: { mount: 'kubernetes', role: 'cluster-access-backend' },
      approle: {
        mount: 'approle',
        roleId: expect.any(String),
        secretId: expect.any(String),
      },
    });

    const admin = root();
    const ca = parseCert(result.caPem);
    expect(ca.subject).toBe('CN=Cluster Access Root CA');
    expect(ca.publicKey.algorithm).toMatchObject({
      name: 'ECDSA',
      namedCurve: 'P-256',
    });
    expect(await admin.read('pki/ca/pem')).toBe(result.caPem);
    expect(
      (await admin.read('pki/roles/kubernetes-client')).data,
    ).toMatchObject({
      key_type: 'any',
      client_flag: true,
      server_flag: false,
      ttl: 8 * 3600,
      max_ttl: 24 * 3600,
      allow_any_name: true,
      enforce_hostnames: false,
      no_store: false,
    });
    expect(
      (await admin.read('sys/policies/acl/cluster-access-backend')).data.policy,
    ).toBe(
      clusterAccessBackendPolicy({
        pkiMount: 'pki',
        roleName: 'kubernetes-client',
      }),
    );

    // The backend token does what the backend needs...
    const backend = vaultClient(peer.url, result.backendToken);
    expect((await backend.tokenLookupSelf()).data.policies).toEqual([
      'cluster-access-backend',
      'default',
    ]);
    expect((await backend.tokenRenewSelf()).auth.lease_duration).toBe(
      24 * 3600,
    );
    const { pem } = await makeCsr([
      { CN: ['alice@example.com'] },
      { O: ['team-a', 'team-b'] },
    ]);
    const signed = await backend.write('pki/sign-verbatim/kubernetes-client', {
      csr: pem,
      ext_key_usage: ['ClientAuth'],
    });
    const cert = parseCert(signed.data.certificate);
    expect(cert.subjectName.getField('CN')).toEqual(['alice@example.com']);
    expect(cert.subjectName.getField('O')).toEqual(['team-a', 'team-b']);
    expect(extendedKeyUsages(cert)).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(await verifiesAgainst(cert, result.caPem)).toBe(true);
    expect(
      (
        await backend.write('pki/revoke', {
          serial_number: signed.data.serial_number,
        })
      ).data.state,
    ).toBe('revoked');
    expect(
      (await backend.read('pki/roles/kubernetes-client')).data.key_type,
    ).toBe('any');

    const accessor = (await backend.read('sys/auth')).data['kubernetes/']
      .accessor;
    // What the backend does with identities: create an entity by name with
    // its Backstage metadata, alias it, read it and its groups.
    await backend.write('identity/entity/name/alice', {
      metadata: { backstage_entity_ref: 'user:default/alice' },
    });
    const entity = (await backend.read('identity/entity/name/alice')).data;
    await backend.write('identity/entity-alias', {
      name: 'alice',
      canonical_id: entity.id,
      mount_accessor: accessor,
    });
    const group = (
      await admin.write('identity/group', {
        name: 'team-a',
        member_entity_ids: [entity.id],
      })
    ).data;
    expect(
      (await backend.read('identity/entity/name/alice')).data.group_ids,
    ).toEqual([group.id]);
    expect(
      (await backend.read(`identity/group/id/${group.id}`)).data.name,
    ).toBe('team-a');
    // A stolen backend token cannot grant Vault powers through identities.
    for (const [path, body] of [
      ['identity/entity/name/alice', { policies: ['admin'] }],
      ['identity/entity/name/alice', { disabled: true }],
      ['identity/entity', { name: 'mallory', policies: ['admin'] }],
      ['identity/group', { name: 'team-a', member_entity_ids: [entity.id] }],
      [`identity/group/id/${group.id}`, { member_entity_ids: [] }],
      ['identity/lookup/entity', { name: 'alice' }],
    ] as const) {
      expect([path, await vaultFailure(backend.write(path, body))]).toEqual([
        path,
        PERMISSION_DENIED,
      ]);
    }

    // ...and nothing more.
    await admin.write('pki/roles/admin', {
      key_type: 'any',
      allow_any_name: true,
    });
    expect(
      await vaultFailure(
        backend.write('pki/sign-verbatim/admin', { csr: pem }),
      ),
    ).toEqual(PERMISSION_DENIED);
    expect(
      await vaultFailure(
        backend.write('pki/sign/kubernetes-client', { csr: pem }),
      ),
    ).toEqual(PERMISSION_DENIED);
    expect(await vaultFailure(backend.read('sys/policies/acl/root'))).toEqual(
      PERMISSION_DENIED,
    );
    expect(
      await vaultFailure(
        backend.write('sys/policies/acl/cluster-access-backend', {
          policy: '',
        }),
      ),
    ).toEqual(PERMISSION_DENIED);
    expect(
      await vaultFailure(
        backend.write('pki/roles/kubernetes-client', { key_type: 'rsa' }),
      ),
    ).toEqual(PERMISSION_DENIED);

    // Both auth methods hand out tokens with the backend policy.
    const viaApprole = await vaultClient(peer.url).approleLogin({
      role_id: result.approle!.roleId,
      secret_id: result.approle!.secretId,
    });
    expect(viaApprole.auth.token_policies).toEqual([
      'cluster-access-backend',
      'default',
    ]);
    const viaKubernetes = await vaultClient(peer.url).kubernetesLogin({
      mount_point: result.kubernetesAuth!.mount,
      role: result.kubernetesAuth!.role,
      jwt: kube.issueServiceAccountToken({
        namespace: 'backstage',
        name: 'cluster-access',
      }),
    });
    expect(viaKubernetes.auth.token_policies).toEqual([
      'cluster-access-backend',
      'default',
    ]);
    expect(
      await vaultFailure(
        vaultClient(peer.url).kubernetesLogin({
          mount_point: 'kubernetes',
          role: 'cluster-access-backend',
          jwt: kube.issueServiceAccountToken({
            namespace: 'default',
            name: 'cluster-access',
          }),
        }),
      ),
    ).toEqual({ status: 403, errors: ['namespace not authorized'] });
  });

  it('is idempotent: a second run keeps the CA and mounts', async () => {
    const first = await root().read('pki/ca/pem');
    const again = await bootstrapVaultForClusterAccess({
      url: peer.url,
      rootToken: peer.rootToken,
      approle: true,
      maxTtl: '12h',
    });
    expect(again.caPem).toBe(first);
    expect(
      (await root().read('pki/roles/kubernetes-client')).data.max_ttl,
    ).toBe(12 * 3600);
    expect(again.backendToken).not.toBe('');
  });

  it('reports Vault errors with status and message', async () => {
    await expect(
      bootstrapVaultForClusterAccess({ url: peer.url, rootToken: 'wrong' }),
    ).rejects.toThrow(
      'Vault GET /v1/sys/mounts failed with status 403: 1 error occurred',
    );
  });

  function root() {
    return vaultClient(peer.url, peer.rootToken);
  }
});
