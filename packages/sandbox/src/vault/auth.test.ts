import { startVaultPeer, VaultPeer } from './index';
import {
  projectedClaims,
  serviceAccountSigner,
  signJwt,
  startTokenReviewStub,
  vaultClient,
  VaultClient,
  vaultFailure,
} from './__testUtils__/helpers';

const PERMISSION_DENIED = {
  status: 403,
  errors: ['1 error occurred:\n\t* permission denied\n\n'],
};

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('Vault peer tokens, policies and auth methods', () => {
  let peer: VaultPeer;
  let root: VaultClient;

  /** Creates a child token with the root token; node-vault's tokenCreate would swap the client's token. */
  async function createToken(body: Record<string, unknown>): Promise<string> {
    const response = await root.write('auth/token/create', body);
    return response.auth.client_token;
  }

  beforeAll(async () => {
    peer = await startVaultPeer({ rootToken: 'root' });
    root = vaultClient(peer.url, peer.rootToken);
  });

  afterAll(async () => {
    await peer.close();
  });

  describe('tokens', () => {
    it('looks up the root token', async () => {
      const self = await root.tokenLookupSelf();
      expect(self.data).toMatchObject({
        id: 'root',
        policies: ['root'],
        path: 'auth/token/root',
        ttl: 0,
        expire_time: null,
        renewable: false,
        orphan: true,
        type: 'service',
      });
    });

    it('creates tokens with policies and a TTL; tokenCreate switches the node-vault client to the new token', async () => {
      const creator = vaultClient(peer.url, peer.rootToken);
      const created = await creator.tokenCreate({
        policies: ['reader'],
        ttl: '1h',
        display_name: 'ci',
        meta: { team: 'a' },
      });
      expect(created.auth).toMatchObject({
        policies: ['default', 'reader'],
        token_policies: ['default', 'reader'],
        metadata: { team: 'a' },
        lease_duration: 3600,
        renewable: true,
        orphan: false,
        token_type: 'service',
      });
      expect(created.auth.client_token).toMatch(/^hvs\./);
      expect(creator.token).toBe(created.auth.client_token);
      const self = await creator.tokenLookupSelf();
      expect(self.data).toMatchObject({
        display_name: 'token-ci',
        policies: ['default', 'reader'],
        path: 'auth/token/create',
        creation_ttl: 3600,
        renewable: true,
        meta: { team: 'a' },
      });
      expect(self.data.ttl).toBeGreaterThan(3590);
      expect(self.data.ttl).toBeLessThanOrEqual(3600);
    });

    it('expires tokens when their TTL passes', async () => {
      const token = await createToken({ policies: ['reader'], ttl: '2s' });
      const client = vaultClient(peer.url, token);
      expect((await client.tokenLookupSelf()).data.ttl).toBeLessThanOrEqual(2);
      await sleep(2100);
      expect(await vaultFailure(client.tokenLookupSelf())).toEqual(
        PERMISSION_DENIED,
      );
      expect(
        await vaultFailure(root.write('auth/token/lookup', { token })),
      ).toEqual({ status: 403, errors: ['bad token'] });
    });

    it('renews itself up to the max TTL, with a warning when capped', async () => {
      const token = await createToken({
        policies: ['reader'],
        ttl: '1h',
        explicit_max_ttl: '90m',
      });
      const client = vaultClient(peer.url, token);
      const renewed = await client.tokenRenewSelf();
      expect(renewed.auth.lease_duration).toBe(3600);
      expect(renewed.warnings).toBeNull();

      const capped = await client.tokenRenewSelf({ increment: '2h' });
      expect(capped.auth.lease_duration).toBeGreaterThan(5390);
      expect(capped.auth.lease_duration).toBeLessThanOrEqual(5400);
      expect(capped.warnings).toHaveLength(1);
      expect(capped.warnings[0]).toMatch(
        /^TTL of "2h0m0s" exceeded the effective max_ttl of "1h29m5\d?s"; TTL value is capped accordingly$/,
      );
      const ttl = (await client.tokenLookupSelf()).data.ttl;
      expect(ttl).toBeLessThanOrEqual(capped.auth.lease_duration);
      expect(ttl).toBeGreaterThanOrEqual(capped.auth.lease_duration - 1);
    });

    it('caps renewal by the max lease TTL tuned on the mount that issued the token', async () => {
      const own = await startVaultPeer();
      try {
        const admin = vaultClient(own.url, own.rootToken);
        // vault auth tune -max-lease-ttl=2h token/
        await admin.write('sys/auth/token/tune', { max_lease_ttl: '2h' });
        const created = await admin.write('auth/token/create', {
          policies: ['reader'],
          ttl: '1h',
        });
        const renewed = await vaultClient(
          own.url,
          created.auth.client_token,
        ).tokenRenewSelf({ increment: '10h' });
        expect(renewed.auth.lease_duration).toBeGreaterThan(7190);
        expect(renewed.auth.lease_duration).toBeLessThanOrEqual(7200);
        expect(renewed.warnings[0]).toMatch(
          /^TTL of "10h0m0s" exceeded the effective max_ttl of "1h59m5\d?s"; TTL value is capped accordingly$/,
        );
      } finally {
        await own.close();
      }
    });

    it('extends a short-lived token before it expires', async () => {
      const token = await createToken({ policies: ['reader'], ttl: '2s' });
      const client = vaultClient(peer.url, token);
      await client.tokenRenewSelf({ increment: 60 });
      await sleep(2100);
      expect((await client.tokenLookupSelf()).data.ttl).toBeGreaterThan(50);
    });

    it('refuses to renew non-renewable tokens and to give children more policies than the parent', async () => {
      const fixed = vaultClient(
        peer.url,
        await createToken({ ttl: '1h', renewable: false }),
      );
      expect(await vaultFailure(fixed.tokenRenewSelf())).toEqual({
        status: 400,
        errors: ['lease is not renewable'],
      });
      const limited = vaultClient(
        peer.url,
        await createToken({ policies: ['reader'] }),
      );
      await root.write('sys/policies/acl/token-maker', {
        policy: 'path "auth/token/create" { capabilities = ["update"] }',
      });
      const maker = vaultClient(
        peer.url,
        await createToken({ policies: ['reader', 'token-maker'] }),
      );
      expect(
        await vaultFailure(
          maker.write('auth/token/create', { policies: ['admin'] }),
        ),
      ).toEqual({
        status: 400,
        errors: ['child policies must be subset of parent'],
      });
      expect(
        (await maker.write('auth/token/create', { policies: ['reader'] })).auth
          .policies,
      ).toEqual(['default', 'reader']);
      expect(
        await vaultFailure(limited.write('auth/token/create', {})),
      ).toEqual(PERMISSION_DENIED);
    });

    it('accepts the token as a Bearer authorization header', async () => {
      const response = await fetch(`${peer.url}/v1/auth/token/lookup-self`, {
        headers: { Authorization: 'Bearer root' },
      });
      expect(response.status).toBe(200);
      expect((await response.json()).data.id).toBe('root');
      const anonymous = await fetch(`${peer.url}/v1/auth/token/lookup-self`);
      expect(anonymous.status).toBe(403);
    });
  });

  describe('policies', () => {
    it('stores HCL policies through sys/policy and sys/policies/acl', async () => {
      const hcl =
        'path "pki/roles/*" {\n  capabilities = ["read", "list"]\n}\n';
      await root.addPolicy({ name: 'reader', rules: hcl });
      expect((await root.getPolicy({ name: 'reader' })).rules).toBe(hcl);
      expect((await root.policies()).policies).toEqual(
        expect.arrayContaining(['default', 'reader', 'root']),
      );
      expect((await root.read('sys/policies/acl/reader')).data).toEqual({
        name: 'reader',
        policy: hcl,
      });
      expect((await root.list('sys/policies/acl')).data.keys).toEqual(
        expect.arrayContaining(['reader']),
      );
      expect(
        await vaultFailure(
          root.write('sys/policies/acl/broken', {
            policy: 'path "x" { capabilities = ["fly"] }',
          }),
        ),
      ).toEqual({
        status: 400,
        errors: ['failed to parse policy: path "x": invalid capability "fly"'],
      });
      expect(
        await vaultFailure(
          root.write('sys/policies/acl/root', { policy: hcl }),
        ),
      ).toEqual({
        status: 400,
        errors: ['cannot update "root" policy'],
      });
      expect(await vaultFailure(root.read('sys/policies/acl/nope'))).toEqual({
        status: 404,
        errors: [],
      });
    });

    it('checks every request against the token policies', async () => {
      await root.write('sys/policies/acl/pki-signer', {
        policy: `
          path "pki/sign-verbatim/allowed" { capabilities = ["update"] }
          path "pki/roles/+" { capabilities = ["read"] }
          path "pki/roles/secret" { capabilities = ["deny"] }
          path "secret/*" { capabilities = ["list"] }
        `,
      });
      const client = vaultClient(
        peer.url,
        await createToken({ policies: ['pki-signer'] }),
      );
      expect(await vaultFailure(client.read('sys/policies/acl/root'))).toEqual(
        PERMISSION_DENIED,
      );
      expect(
        await vaultFailure(client.read('sys/policies/acl/pki-signer')),
      ).toEqual(PERMISSION_DENIED);
      expect(
        await vaultFailure(
          client.write('pki/sign-verbatim/other', { csr: 'x' }),
        ),
      ).toEqual(PERMISSION_DENIED);
      expect(await vaultFailure(client.read('pki/roles/secret'))).toEqual(
        PERMISSION_DENIED,
      );
      // Allowed by policy: the request reaches the (absent) mount and fails there instead.
      expect(
        await vaultFailure(
          client.write('pki/sign-verbatim/allowed', { csr: 'x' }),
        ),
      ).toEqual({
        status: 404,
        errors: [
          'no handler for route "pki/sign-verbatim/allowed". route entry not found.',
        ],
      });
      // The default policy lets every token look itself up and renew itself.
      expect((await client.tokenLookupSelf()).data.policies).toEqual([
        'default',
        'pki-signer',
      ]);
      await client.tokenRenewSelf();
    });

    it('requires sudo for root-protected paths such as enabling auth methods', async () => {
      await root.write('sys/policies/acl/auth-admin', {
        policy:
          'path "sys/auth/*" { capabilities = ["create", "update", "read"] }',
      });
      const client = vaultClient(
        peer.url,
        await createToken({ policies: ['auth-admin'] }),
      );
      expect(
        await vaultFailure(
          client.enableAuth({ mount_point: 'nosudo', type: 'approle' }),
        ),
      ).toEqual(PERMISSION_DENIED);
      await root.write('sys/policies/acl/auth-admin', {
        policy:
          'path "sys/auth/*" { capabilities = ["create", "update", "read", "sudo"] }',
      });
      await client.enableAuth({ mount_point: 'withsudo', type: 'approle' });
      expect(Object.keys((await root.auths()).data)).toEqual(
        expect.arrayContaining(['token/', 'withsudo/']),
      );
    });
  });

  describe('kubernetes auth', () => {
    const signer = serviceAccountSigner('RS256');
    let kubernetesAccessor: string;
    let apiServer: Awaited<ReturnType<typeof startTokenReviewStub>>;

    afterAll(() => apiServer.close());

    beforeAll(async () => {
      apiServer = await startTokenReviewStub();
      await root.enableAuth({ mount_point: 'kubernetes', type: 'kubernetes' });
      await root.write('auth/kubernetes/config', {
        kubernetes_host: apiServer.url,
        disable_local_ca_jwt: true,
        pem_keys: [
          signer.publicKeyPem,
          serviceAccountSigner('ES256').publicKeyPem,
        ],
      });
      await root.write('auth/kubernetes/role/backend', {
        bound_service_account_names: ['cluster-access'],
        bound_service_account_namespaces: ['backstage'],
        token_policies: ['reader'],
        token_ttl: '20m',
        token_max_ttl: '30m',
      });
      kubernetesAccessor = (await root.auths()).data['kubernetes/'].accessor;
    });

    it('is unreachable through node-vault kubernetesLogin without mount_point (node-vault 0.12 renders auth//login)', async () => {
      const jwt = signJwt(
        signer,
        projectedClaims('backstage', 'cluster-access'),
      );
      expect(
        await vaultFailure(
          vaultClient(peer.url).kubernetesLogin({ role: 'backend', jwt }),
        ),
      ).toEqual(PERMISSION_DENIED);
    });

    it('logs in a service account whose JWT is signed by a configured key (and that the API server vouches for)', async () => {
      const reviewsBefore = apiServer.reviews();
      const client = vaultClient(peer.url);
      const jwt = signJwt(
        signer,
        projectedClaims('backstage', 'cluster-access'),
      );
      const login = await client.kubernetesLogin({
        mount_point: 'kubernetes',
        role: 'backend',
        jwt,
      });
      // pem_keys or not, the plugin also asks the API server (TokenReview).
      expect(apiServer.reviews()).toBe(reviewsBefore + 1);
      expect(login.auth).toMatchObject({
        policies: ['default', 'reader'],
        token_policies: ['default', 'reader'],
        lease_duration: 1200,
        renewable: true,
        orphan: true,
        metadata: {
          role: 'backend',
          service_account_name: 'cluster-access',
          service_account_namespace: 'backstage',
          service_account_uid: 'uid-backstage-cluster-access',
          service_account_secret_name: '',
        },
      });
      expect(client.token).toBe(login.auth.client_token);
      const self = await client.tokenLookupSelf();
      expect(self.data.display_name).toBe(
        'kubernetes-backstage-cluster-access',
      );
      expect(self.data.path).toBe('auth/kubernetes/login');

      // The first login creates an entity with an alias on the kubernetes mount.
      const entity = (
        await root.read(`identity/entity/id/${login.auth.entity_id}`)
      ).data;
      expect(entity.aliases).toEqual([
        expect.objectContaining({
          name: 'uid-backstage-cluster-access',
          mount_accessor: kubernetesAccessor,
          mount_type: 'kubernetes',
        }),
      ]);
      const again = await vaultClient(peer.url).kubernetesLogin({
        mount_point: 'kubernetes',
        role: 'backend',
        jwt,
      });
      expect(again.auth.entity_id).toBe(login.auth.entity_id);

      // Renewal follows the role: token_ttl by default, capped by token_max_ttl.
      const renewed = await client.tokenRenewSelf({ increment: '1h' });
      expect(renewed.auth.lease_duration).toBeLessThanOrEqual(1800);
      expect(renewed.auth.lease_duration).toBeGreaterThan(1790);
    });

    it('accepts legacy secret-based service-account tokens and ES256 keys', async () => {
      const es = serviceAccountSigner('ES256');
      await root.write('auth/kubernetes/config', {
        kubernetes_host: apiServer.url,
        disable_local_ca_jwt: true,
        pem_keys: [signer.publicKeyPem, es.publicKeyPem],
      });
      const jwt = signJwt(es, {
        iss: 'kubernetes/serviceaccount',
        sub: 'system:serviceaccount:backstage:cluster-access',
        'kubernetes.io/serviceaccount/namespace': 'backstage',
        'kubernetes.io/serviceaccount/secret.name':
          'cluster-access-token-abcde',
        'kubernetes.io/serviceaccount/service-account.name': 'cluster-access',
        'kubernetes.io/serviceaccount/service-account.uid': 'legacy-uid',
      });
      const login = await vaultClient(peer.url).kubernetesLogin({
        mount_point: 'kubernetes',
        role: 'backend',
        jwt,
      });
      expect(login.auth.metadata.service_account_secret_name).toBe(
        'cluster-access-token-abcde',
      );
      expect(login.auth.metadata.service_account_uid).toBe('legacy-uid');
    });

    it('refuses wrong bindings, foreign signatures, expired tokens and unknown roles', async () => {
      const client = vaultClient(peer.url);
      const login = (jwt: string, role = 'backend') =>
        client.kubernetesLogin({ mount_point: 'kubernetes', role, jwt });
      expect(
        await vaultFailure(
          login(signJwt(signer, projectedClaims('other-ns', 'cluster-access'))),
        ),
      ).toEqual({
        status: 403,
        errors: ['namespace not authorized'],
      });
      expect(
        await vaultFailure(
          login(signJwt(signer, projectedClaims('backstage', 'intruder'))),
        ),
      ).toEqual({
        status: 403,
        errors: ['service account name not authorized'],
      });
      const foreign = serviceAccountSigner('RS256');
      expect(
        await vaultFailure(
          login(
            signJwt(foreign, projectedClaims('backstage', 'cluster-access')),
          ),
        ),
      ).toEqual({
        status: 403,
        errors: ['permission denied'],
      });
      const expired = projectedClaims('backstage', 'cluster-access', {
        exp: Math.floor(Date.now() / 1000) - 3600,
      });
      expect(await vaultFailure(login(signJwt(signer, expired)))).toEqual({
        status: 403,
        errors: ['invalid expiration time (exp) claim: token is expired'],
      });
      expect(await vaultFailure(login('not-a-jwt'))).toMatchObject({
        status: 403,
      });
      expect(
        await vaultFailure(
          login(
            signJwt(signer, projectedClaims('backstage', 'cluster-access')),
            'ghost',
          ),
        ),
      ).toEqual({
        status: 400,
        errors: ['invalid role name "ghost"'],
      });
    });

    it('validates the issuer only when configured to', async () => {
      await root.write('auth/kubernetes/config', {
        kubernetes_host: apiServer.url,
        disable_local_ca_jwt: true,
        pem_keys: [signer.publicKeyPem],
        issuer: 'https://issuer.example',
        disable_iss_validation: false,
      });
      const client = vaultClient(peer.url);
      expect(
        await vaultFailure(
          client.kubernetesLogin({
            mount_point: 'kubernetes',
            role: 'backend',
            jwt: signJwt(
              signer,
              projectedClaims('backstage', 'cluster-access'),
            ),
          }),
        ),
      ).toEqual({
        status: 403,
        errors: ['invalid issuer (iss) claim'],
      });
      const good = signJwt(
        signer,
        projectedClaims('backstage', 'cluster-access', {
          iss: 'https://issuer.example',
        }),
      );
      expect(
        (
          await client.kubernetesLogin({
            mount_point: 'kubernetes',
            role: 'backend',
            jwt: good,
          })
        ).auth.client_token,
      ).toMatch(/^hvs\./);
      const config = (await root.read('auth/kubernetes/config')).data;
      expect(config).toMatchObject({
        kubernetes_host: apiServer.url,
        disable_local_ca_jwt: true,
        issuer: 'https://issuer.example',
        disable_iss_validation: false,
      });
    });
  });

  describe('approle auth', () => {
    beforeAll(async () => {
      await root.enableAuth({ mount_point: 'approle', type: 'approle' });
    });

    it('logs in with a role ID and secret ID', async () => {
      await root.addApproleRole({
        role_name: 'ci',
        policies: 'reader',
        token_ttl: 600,
        token_max_ttl: 1200,
      });
      const role = (await root.getApproleRole({ role_name: 'ci' })).data;
      expect(role).toMatchObject({
        token_policies: ['reader'],
        token_ttl: 600,
        token_max_ttl: 1200,
        bind_secret_id: true,
      });
      const roleId = (await root.getApproleRoleId({ role_name: 'ci' })).data
        .role_id;
      const secret = (await root.getApproleRoleSecret({ role_name: 'ci' }))
        .data;
      expect(secret.secret_id_accessor).toEqual(expect.any(String));

      const client = vaultClient(peer.url);
      const login = await client.approleLogin({
        role_id: roleId,
        secret_id: secret.secret_id,
      });
      expect(login.auth).toMatchObject({
        policies: ['default', 'reader'],
        lease_duration: 600,
        metadata: { role_name: 'ci' },
        renewable: true,
      });
      expect((await client.tokenLookupSelf()).data.display_name).toBe(
        'approle',
      );
      expect((await root.approleRoles()).data.keys).toEqual(['ci']);

      expect(
        await vaultFailure(
          vaultClient(peer.url).approleLogin({
            role_id: roleId,
            secret_id: 'wrong',
          }),
        ),
      ).toEqual({
        status: 400,
        errors: ['invalid role or secret ID'],
      });
      expect(
        await vaultFailure(
          vaultClient(peer.url).approleLogin({ role_id: roleId }),
        ),
      ).toEqual({
        status: 400,
        errors: ['missing secret_id'],
      });
    });

    it('enforces secret ID use limits and TTLs', async () => {
      await root.write('auth/approle/role/limited', {
        token_policies: ['reader'],
        secret_id_num_uses: 1,
        secret_id_ttl: '1s',
      });
      const roleId = (await root.read('auth/approle/role/limited/role-id')).data
        .role_id;
      const once = (await root.write('auth/approle/role/limited/secret-id', {}))
        .data.secret_id;
      await vaultClient(peer.url).approleLogin({
        role_id: roleId,
        secret_id: once,
      });
      expect(
        await vaultFailure(
          vaultClient(peer.url).approleLogin({
            role_id: roleId,
            secret_id: once,
          }),
        ),
      ).toMatchObject({ status: 400 });

      const shortLived = (
        await root.write('auth/approle/role/limited/secret-id', {})
      ).data.secret_id;
      await sleep(1100);
      expect(
        await vaultFailure(
          vaultClient(peer.url).approleLogin({
            role_id: roleId,
            secret_id: shortLived,
          }),
        ),
      ).toEqual({
        status: 400,
        errors: ['invalid role or secret ID'],
      });
    });
  });
});
