import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { generateClientKeyAndCsr } from '@cluster-access/plugin-cluster-access-common';
import { KubePeer } from '@cluster-access/sandbox';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  eventually,
  ORG,
  orgEntities,
  peerConfig,
  startPeer,
  userInfoServiceFactory,
} from './__testUtils__/harness';
import { startTestVault, TestVault } from './__testUtils__/vault';
import { resetMetricsForTests } from './metrics/metrics';
import { clusterAccessPlugin } from './plugin';

jest.setTimeout(60_000);

const userInfoFactory = userInfoServiceFactory();

/** The value of one series in Prometheus' text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>) {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inside = line.includes('{')
      ? line.slice(name.length + 1, line.lastIndexOf('}'))
      : '';
    const found = Object.fromEntries(
      [...inside.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('clusterAccessPlugin metrics', () => {
  let vault: TestVault;
  let peer: KubePeer;
  let token: string;
  let scrapeServer: Server;
  let scrapeUrl: string;
  let provider: MeterProvider;

  beforeAll(async () => {
    // As the demo backend's instrumentation file does, with the exporter's
    // handler on an ephemeral port of our own.
    const exporter = new PrometheusExporter({ preventServerStart: true });
    provider = new MeterProvider({ readers: [exporter] });
    metrics.setGlobalMeterProvider(provider);
    resetMetricsForTests();
    scrapeServer = createServer((req, res) =>
      exporter.getMetricsRequestHandler(req, res),
    );
    await new Promise<void>(resolve =>
      scrapeServer.listen(0, '127.0.0.1', resolve),
    );
    scrapeUrl = `http://127.0.0.1:${
      (scrapeServer.address() as AddressInfo).port
    }/metrics`;
    vault = await startTestVault();
    ({ peer, token } = await startPeer());
  });
  afterAll(async () => {
    scrapeServer?.close();
    await provider?.shutdown();
    metrics.disable();
    resetMetricsForTests();
    await peer?.close();
    await vault?.peer.close();
  });

  it('serves issuance, Vault, Kubernetes and provisioning figures to Prometheus', async () => {
    const config = peerConfig(peer, token, {
      vault: {
        address: vault.peer.url,
        pkiMount: vault.setup.pkiMount,
        role: vault.setup.roleName,
        auth: { method: 'token', token: vault.setup.backendToken },
      },
    });
    const { server } = await startTestBackend({
      features: [
        clusterAccessPlugin,
        mockServices.rootConfig.factory({ data: config }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: orgEntities(ORG) }),
        userInfoFactory,
      ],
    });
    const alice = mockCredentials.user.header('user:default/alice');
    const identity = await request(server)
      .get('/api/cluster-access/identity')
      .set('authorization', alice);
    const { csrPem } = await generateClientKeyAndCsr({
      username: identity.body.username,
      groups: identity.body.groups,
    });
    const issued = await request(server)
      .post('/api/cluster-access/certificates')
      .set('authorization', alice)
      .send({ csr: csrPem });
    expect(issued.status).toBe(201);
    const refused = await request(server)
      .post('/api/cluster-access/certificates')
      .set('authorization', alice)
      // A CSR the service refuses (the OpenAPI validator lets any string
      // through, so the refusal is the plugin's and is counted).
      .send({ csr: 'not a certificate request' });
    expect(refused.status).toBe(400);

    const created = await request(server)
      .post('/api/cluster-access/requests')
      .set('authorization', alice)
      .send({
        cluster: 'sandbox',
        namespace: 'payments-metrics-dev',
        owner: 'group:default/payments',
        tier: 'dev',
        reason: 'metrics',
      });
    expect(created.status).toBe(201);
    await eventually('the namespace is ready', async () => {
      const res = await request(server)
        .get(`/api/cluster-access/requests/${created.body.id}`)
        .set('authorization', alice);
      return res.body.status === 'ready';
    });

    const text = await (await fetch(scrapeUrl)).text();
    expect(
      sample(text, 'cluster_access_certificate_issuances_total', {
        outcome: 'issued',
      }),
    ).toBe(1);
    expect(
      sample(text, 'cluster_access_certificate_issuances_total', {
        outcome: 'refused',
        reason: 'invalid-request',
      }),
    ).toBe(1);
    expect(
      sample(text, 'cluster_access_certificate_issuance_duration_count', {
        outcome: 'issued',
      }),
    ).toBe(1);
    expect(
      sample(text, 'cluster_access_vault_request_duration_count', {
        operation: 'write sign-verbatim',
        outcome: 'ok',
      }),
    ).toBe(1);
    // The Namespace is created, then every object of the bundle applied.
    expect(
      sample(text, 'cluster_access_kubernetes_request_duration_count', {
        cluster: 'sandbox',
        verb: 'create',
        kind: 'Namespace',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      sample(text, 'cluster_access_kubernetes_request_duration_count', {
        cluster: 'sandbox',
        verb: 'apply',
        kind: 'ResourceQuota',
        outcome: 'ok',
      }),
    ).toBe(1);
    // Nothing waits once the namespace is ready.
    expect(sample(text, 'cluster_access_provisioning_queue_depth', {})).toBe(0);
    expect(
      sample(text, 'cluster_access_provisioning_queue_oldest_age', {}),
    ).toBe(0);
  });
});
