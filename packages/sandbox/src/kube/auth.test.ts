import { AuthenticationV1Api } from '@kubernetes/client-node';
import { createPublicKey, verify } from 'node:crypto';
import {
  createClientCertificateAuthority,
  startKubePeer,
  ClientCertificateAuthority,
  KubePeer,
} from './index';
import { createCertificateAuthority, issueLeafCertificate } from './pki';
import { failure, kubeConfigFor, rawRequest } from './__testUtils__/clients';

describe('kube peer authentication', () => {
  let peer: KubePeer;
  let ca: ClientCertificateAuthority;
  const rejections: string[] = [];

  beforeAll(async () => {
    ca = await createClientCertificateAuthority();
    peer = await startKubePeer({
      clientCaPems: [ca.caPem],
      logger: {
        info: () => {},
        warn: m => rejections.push(m),
        error: () => {},
      },
    });
  });
  afterAll(() => peer.close());

  const whoami = (credentials: Parameters<typeof kubeConfigFor>[1]) =>
    kubeConfigFor(peer, credentials)
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });

  it('authenticates client certificates from a trusted CA as CN with O groups', async () => {
    const cert = await ca.issueClientCertificate({
      commonName: 'alice',
      organizations: ['team-a', 'developers'],
    });
    const review = await whoami(cert);
    expect(review.status?.userInfo).toEqual({
      username: 'alice',
      groups: ['team-a', 'developers', 'system:authenticated'],
    });
  });

  it('reads the subject as kube-apiserver does: the last CN is the user, every O a group', async () => {
    const cert = await ca.issueClientCertificate({
      commonName: 'unused',
      subject: [
        { CN: ['alice'] },
        { O: ['team-a'] },
        { CN: ['admin'] },
        { O: ['developers'] },
      ],
    });
    const review = await whoami(cert);
    expect(review.status?.userInfo).toEqual({
      username: 'admin',
      groups: ['team-a', 'developers', 'system:authenticated'],
    });
  });

  it('rejects certificates that are untrusted, out of validity or not for clients', async () => {
    const stranger = await createClientCertificateAuthority();
    const untrusted = await stranger.issueClientCertificate({
      commonName: 'eve',
    });
    expect((await failure(whoami(untrusted))).code).toBe(401);

    const future = await ca.issueClientCertificate({
      commonName: 'early',
      notBefore: new Date(Date.now() + 3_600_000),
    });
    expect((await failure(whoami(future))).code).toBe(401);

    const expired = await ca.issueClientCertificate({
      commonName: 'late',
      notBefore: new Date(Date.now() - 7_200_000),
      ttlSeconds: 60,
    });
    expect((await failure(whoami(expired))).code).toBe(401);

    // A serving certificate from a trusted CA is still not a client credential.
    const serverCa = await createCertificateAuthority({ commonName: 'dual' });
    peer.addClientCa(serverCa.certificatePem);
    const serving = await issueLeafCertificate({
      ca: serverCa,
      commonName: 'web',
      usage: 'server',
    });
    expect(
      (
        await failure(
          whoami({
            certificatePem: serving.certificatePem,
            privateKeyPem: serving.privateKeyPem,
          }),
        )
      ).code,
    ).toBe(401);
    expect(rejections.join('\n')).toContain('does not allow clientAuth');
  });

  it('trusts a client CA added at run time', async () => {
    const later = await createClientCertificateAuthority();
    const cert = await later.issueClientCertificate({ commonName: 'dave' });
    expect((await failure(whoami(cert))).code).toBe(401);
    peer.addClientCa(later.caPem);
    expect((await whoami(cert)).status?.userInfo?.username).toBe('dave');
  });

  it('authenticates the service-account tokens it issues', async () => {
    const token = peer.issueServiceAccountToken({
      namespace: 'cluster-access',
      name: 'backstage',
      ttlSeconds: 600,
    });
    const review = await whoami({ token });
    expect(review.status?.userInfo).toMatchObject({
      username: 'system:serviceaccount:cluster-access:backstage',
      groups: [
        'system:serviceaccounts',
        'system:serviceaccounts:cluster-access',
        'system:authenticated',
      ],
    });

    // The token is a standard RS256 JWT, verifiable with the published key (as Vault would).
    const [header, payload, signature] = token.split('.');
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        createPublicKey(peer.serviceAccountPublicKeyPem),
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims).toMatchObject({
      iss: peer.serviceAccountIssuer,
      sub: 'system:serviceaccount:cluster-access:backstage',
      aud: [peer.serviceAccountIssuer],
      'kubernetes.io': {
        namespace: 'cluster-access',
        serviceaccount: { name: 'backstage' },
      },
    });

    const forVault = peer.issueServiceAccountToken({
      namespace: 'cluster-access',
      name: 'backstage',
      audiences: ['vault'],
    });
    expect((await failure(whoami({ token: forVault }))).code).toBe(401);
    const expired = peer.issueServiceAccountToken({
      namespace: 'cluster-access',
      name: 'backstage',
      ttlSeconds: -10,
    });
    expect((await failure(whoami({ token: expired }))).code).toBe(401);
  });

  it('remembers a token it accepted no longer than the token lives, and per audience', async () => {
    // Accepted once (and cached, as kube-apiserver caches successes for 10 s)...
    const token = peer.issueServiceAccountToken({
      namespace: 'cluster-access',
      name: 'backstage',
      ttlSeconds: 2,
    });
    expect((await whoami({ token })).status?.userInfo?.username).toBe(
      'system:serviceaccount:cluster-access:backstage',
    );
    // ...a TokenReview for another audience is still refused...
    const reviews = kubeConfigFor(peer, {
      token: peer.adminToken,
    }).makeApiClient(AuthenticationV1Api);
    const elsewhere = await reviews.createTokenReview({
      body: { spec: { token, audiences: ['vault'] } },
    });
    expect(elsewhere.status?.authenticated).toBeFalsy();
    // ...and once the token has expired it is refused, well within the cache's 10 s.
    const deadline = Date.now() + 8_000;
    let code: number | undefined;
    while (Date.now() < deadline) {
      code = await whoami({ token }).then(
        () => 201,
        e => failure(Promise.reject(e)).then(f => f.code),
      );
      if (code === 401) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(code).toBe(401);
  });

  it('reviews tokens for holders of tokenreviews create', async () => {
    const api = kubeConfigFor(peer, { token: peer.adminToken }).makeApiClient(
      AuthenticationV1Api,
    );
    const token = peer.issueServiceAccountToken({
      namespace: 'default',
      name: 'sa1',
    });
    const good = await api.createTokenReview({ body: { spec: { token } } });
    expect(good.status).toMatchObject({
      authenticated: true,
      user: { username: 'system:serviceaccount:default:sa1' },
    });
    const bad = await api.createTokenReview({
      body: { spec: { token: 'nope' } },
    });
    expect(bad.status?.authenticated).toBeFalsy();
  });

  it('publishes the service-account issuer discovery documents', async () => {
    const token = peer.issueServiceAccountToken({
      namespace: 'default',
      name: 'sa1',
    });
    const headers = { Authorization: `Bearer ${token}` };
    const config = await rawRequest(peer, {
      path: '/.well-known/openid-configuration',
      headers,
    });
    expect(config.body).toMatchObject({
      issuer: peer.serviceAccountIssuer,
      jwks_uri: `${peer.url}/openid/v1/jwks`,
    });
    const jwks = await rawRequest(peer, { path: '/openid/v1/jwks', headers });
    expect(jwks.body.keys[0]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
    });
  });

  it('impersonates only with the impersonate verb', async () => {
    const asAlice = await rawRequest(peer, {
      path: '/api/v1/namespaces',
      headers: {
        Authorization: `Bearer ${peer.adminToken}`,
        'Impersonate-User': 'alice',
        'Impersonate-Group': 'developers',
      },
    });
    // The admin may impersonate; alice, impersonated, may not list namespaces.
    expect(asAlice.status).toBe(403);
    expect(asAlice.body.message).toBe(
      'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope',
    );

    const frank = await ca.issueClientCertificate({ commonName: 'frank' });
    const refused = await rawRequest(peer, {
      path: '/api/v1/namespaces',
      headers: { 'Impersonate-User': 'kubernetes-admin' },
      clientCertificate: frank,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      'users "kubernetes-admin" is forbidden: User "frank" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });
});
