/*
 * Issuance latency through the real router against the Vault peer, at 1, 10
 * and 50 concurrent users, compared with a bare sign-verbatim call on the
 * same peer.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access-backend/bench/issuance.ts [requestsPerLevel]
 *
 * (or `yarn bench` in the package). Every user first asks for its identity
 * (which creates its Vault entity) and makes one key and CSR; the measured
 * request is `POST /certificates`: identity and groups from Vault, CSR
 * validation, sign-verbatim, the checks on the returned certificate and the
 * database insert. The baseline is the sign-verbatim call alone, with the
 * same CSRs and concurrency. Auth and permissions are the test mocks, the
 * auditor does nothing, logs go nowhere; the store is SQLite in memory.
 */
import 'reflect-metadata';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { generateClientKeyAndCsr } from '@cluster-access/plugin-cluster-access-common';
import {
  bootstrapVaultForClusterAccess,
  startVaultPeer,
} from '@cluster-access/sandbox';
import express from 'express';
import knexFactory from 'knex';
import type { AddressInfo } from 'node:net';
import NodeVault from 'node-vault';
import { CertificateService } from '../src/certificates/CertificateService';
import { DatabaseCertificateStore } from '../src/certificates/DatabaseCertificateStore';
import { VaultCertificateSigner } from '../src/certificates/vault/VaultCertificateSigner';
import { VaultClient } from '../src/certificates/vault/VaultClient';
import { VaultIdentityDirectory } from '../src/certificates/vault/VaultIdentityDirectory';
import { migrateDatabase } from '../src/database/migrations';
import { DatabaseHistoryStore } from '../src/history/DatabaseHistoryStore';
import { HistoryRecorder } from '../src/history/HistoryRecorder';
import { createRouter } from '../src/service/router';
import { staticClusterDirectory } from '../src/config/ClusterDirectory';

const LEVELS = [1, 10, 50];
const REQUESTS_PER_LEVEL = Number(process.argv[2] ?? 300);
const WARMUP_REQUESTS = 20;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

interface Stats {
  p50: number;
  p99: number;
  perSecond: number;
}

/**
 * Runs `total` calls of `fn` with `concurrency` closed-loop workers (worker i
 * plays user i) and returns latency percentiles in milliseconds.
 */
async function measure(
  concurrency: number,
  total: number,
  fn: (worker: number) => Promise<void>,
): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        await fn(worker);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: (latencies.length / elapsed) * 1000,
  };
}

async function main() {
  const peer = await startVaultPeer({ port: 0 });
  const setup = await bootstrapVaultForClusterAccess({
    url: peer.url,
    rootToken: peer.rootToken,
  });
  const logger = mockServices.rootLogger({ level: 'none' });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const db = await migrateDatabase(
    mockServices.database({ knex, migrations: { skip: false } }),
  );
  const history = new DatabaseHistoryStore(db);
  const client = VaultClient.create({
    config: {
      address: peer.url,
      pkiMount: setup.pkiMount,
      role: setup.roleName,
      timeoutMs: 10_000,
      identity: {},
      auth: { method: 'token', token: setup.backendToken },
    },
    logger,
  });
  const signer = new VaultCertificateSigner({
    client,
    pkiMount: setup.pkiMount,
    role: setup.roleName,
    logger,
  });
  const certificates = new CertificateService({
    certificates: {
      defaultTtlSeconds: 3600,
      maxTtlSeconds: 86400,
      usernameFormat: '{{name}}',
      groupPrefix: '',
      includeVaultGroups: true,
      allowedGroups: [],
      deniedGroups: [],
    },
    clusters: staticClusterDirectory([{ name: 'bench', url: 'https://127.0.0.1:6443' }]),
    signer,
    directory: new VaultIdentityDirectory({ client, logger }),
    store: new DatabaseCertificateStore(db),
    history: new HistoryRecorder({ store: history, logger }),
    logger,
  });
  const noopEvent = { success: async () => {}, fail: async () => {} };
  const router = await createRouter({
    logger,
    httpAuth: mockServices.httpAuth(),
    userInfo: {
      getUserInfo: async credentials => {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, 'group:default/bench'],
        };
      },
    },
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    auditor: { createEvent: async () => noopEvent },
    history,
    certificates,
  });
  const app = express().use('/api/cluster-access', router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const base = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/cluster-access`;

  // One user per worker: entity, groups, key and CSR made up front.
  const users = await Promise.all(
    Array.from({ length: Math.max(...LEVELS) }, async (_, i) => {
      const authorization = mockCredentials.user.header(
        `user:default/bench-${i}`,
      );
      const identity = await (
        await fetch(`${base}/identity`, { headers: { authorization } })
      ).json();
      const { csrPem } = await generateClientKeyAndCsr({
        username: identity.username,
        groups: identity.groups,
      });
      return { authorization, csrPem };
    }),
  );

  const issue = async (worker: number) => {
    const res = await fetch(`${base}/certificates`, {
      method: 'POST',
      headers: {
        authorization: users[worker].authorization,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ csr: users[worker].csrPem, ttlSeconds: 3600 }),
    });
    if (res.status !== 201) {
      throw new Error(`issuance failed: ${res.status} ${await res.text()}`);
    }
    await res.arrayBuffer();
  };
  const bare = NodeVault({ endpoint: peer.url, token: setup.backendToken });
  const signBare = async (worker: number) => {
    await bare.write(`${setup.pkiMount}/sign-verbatim/${setup.roleName}`, {
      csr: users[worker].csrPem,
      ttl: '3600s',
      format: 'pem',
      key_usage: ['DigitalSignature'],
      ext_key_usage: ['ClientAuth'],
      exclude_cn_from_sans: true,
    });
  };

  await measure(1, WARMUP_REQUESTS, issue);
  await measure(1, WARMUP_REQUESTS, signBare);

  const rows = [];
  for (const level of LEVELS) {
    const router50 = await measure(level, REQUESTS_PER_LEVEL, issue);
    const baseline = await measure(level, REQUESTS_PER_LEVEL, signBare);
    rows.push({ level, router: router50, baseline });
  }

  const f = (n: number) => n.toFixed(1).padStart(7);
  const lines = [
    `Issuance latency, ${REQUESTS_PER_LEVEL} requests per level (Node ${process.version}, Vault peer, SQLite in memory)`,
    '',
    '| users | router p50 ms | router p99 ms | router req/s | bare sign p50 ms | bare sign p99 ms | ratio p50 | ratio p99 |',
    '|------:|--------------:|--------------:|-------------:|-----------------:|-----------------:|----------:|----------:|',
    ...rows.map(
      ({ level, router: r, baseline: b }) =>
        `| ${String(level).padStart(5)} | ${f(r.p50)} | ${f(r.p99)} | ${f(
          r.perSecond,
        )} | ${f(b.p50)} | ${f(b.p99)} | ${(r.p50 / b.p50).toFixed(2)} | ${(
          r.p99 / b.p99
        ).toFixed(2)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  server.close();
  client.close();
  await knex.destroy();
  await peer.close();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
