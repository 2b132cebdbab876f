/*
 * The floor for bench/issuance.ts (`--backend=floor`): the least any Node.js
 * backend must do per issuance, written with nothing between it and Node:
 * node:http in and out, one JSON parse each way, the CSR's signature checked
 * by OpenSSL (its DER read by the plugin's strict reader, the fastest reading
 * we have), one sign-verbatim call to Vault on a kept-alive connection, the
 * returned certificate parsed and its signature checked by OpenSSL
 * (`X509Certificate`), the certificate and its history row written in one
 * statement (PostgreSQL, a prepared statement on `pg`) or one transaction
 * (SQLite, prepared statements on better-sqlite3), and the answer.
 *
 * What it leaves out is everything a product needs and this does not do:
 * Backstage's auth (the user is read from the mock token as is), the
 * permission, the audit event, the OpenAPI check, the product's other checks
 * of the CSR and the certificate (key types and sizes, extensions, names,
 * validity, chain), metrics, logs, error handling and Express. So it is not a
 * backend to run: it shows how far the product's CPU per issuance is from
 * what the work itself costs on the same machine.
 *
 * Talks to bench/issuance.ts as the other backends do (bench/backendProcess.ts);
 * it has no phases to split.
 */
import { openBenchDatabase } from './benchDatabase';
import {
  countBackendRequests,
  countVaultCalls,
  serveParent,
} from './backendProcess';
import { migrateDatabase } from '../src/database/migrations';
import { readCsr } from '../src/certificates/x509Der';
import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import {
  createPublicKey,
  KeyObject,
  randomUUID,
  verify,
  X509Certificate,
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VaultPeerReady } from './vaultPeerProcess';

const PREFIX = '/api/cluster-access';
const USER_TOKEN = 'Bearer mock-user-token:';
const GROUPS = ['bench'];
const HASH: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
};

type Insert = (values: unknown[]) => Promise<void>;

const CERTIFICATE_COLUMNS =
  'serial_number, user_entity_ref, username, groups, issued_at, expires_at, certificate';
const HISTORY_COLUMNS = 'id, created_at, actor, type, message, details';

/** One write of the certificate and its history row, as the store does. */
async function openInsert(
  knex: Knex,
  url: string | undefined,
): Promise<{ insert: Insert; close: () => Promise<void> }> {
  const client = knex.client as any;
  if (url) {
    // knex's pool of pg clients; the statement prepared once per connection.
    const text = `WITH certificate AS (INSERT INTO cluster_access_certificates (${CERTIFICATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)) INSERT INTO cluster_access_history (${HISTORY_COLUMNS}) VALUES ($8, $9, $10, $11, $12, $13)`;
    return {
      insert: async values => {
        const connection = await client.acquireConnection();
        try {
          await connection.query({ name: 'issue', text, values });
        } finally {
          await client.releaseConnection(connection);
        }
      },
      close: async () => {},
    };
  }
  // The in-memory database lives in knex's one connection: borrow it.
  const db = await client.acquireConnection();
  const certificate = db.prepare(
    `INSERT INTO cluster_access_certificates (${CERTIFICATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const history = db.prepare(
    `INSERT INTO cluster_access_history (${HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const both = db.transaction((values: unknown[]) => {
    certificate.run(values.slice(0, 7));
    history.run(values.slice(7));
  });
  return {
    insert: async values =>
      both(values.map(v => (v instanceof Date ? v.valueOf() : v))),
    close: async () => client.releaseConnection(db),
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function pemBody(pem: string): Buffer {
  return Buffer.from(
    pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
}

/** Vault's sign-verbatim on a kept-alive connection; the parsed answer. */
function signAtVault(
  vault: VaultPeerReady,
  agent: http.Agent,
  body: string,
): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(
        `${vault.url}/v1/${vault.pkiMount}/sign-verbatim/${vault.roleName}`,
      ),
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-vault-token': vault.backendToken,
        },
      },
      res => {
        readBody(res).then(text => {
          if (res.statusCode !== 200) {
            reject(new Error(`Vault answered ${res.statusCode}`));
          } else resolve(JSON.parse(text));
        }, reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function checkCsr(csrPem: string, username: string): void {
  const csr = readCsr(pemBody(csrPem));
  const rdns = csr.subject.flat();
  const cn = rdns.find(a => a.type === '2.5.4.3')?.value;
  const o = rdns.filter(a => a.type === '2.5.4.10').map(a => a.value);
  if (cn !== username || o.join(',') !== GROUPS.join(',')) {
    throw new Error('CSR subject is not the user');
  }
  const hash = HASH[csr.signatureAlgorithm.algorithm];
  const key = createPublicKey({
    key: csr.spkiDer,
    format: 'der',
    type: 'spki',
  });
  if (!hash || !verify(hash, csr.infoDer, key, csr.signature)) {
    throw new Error('CSR signature does not verify');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function main() {
  const vault: VaultPeerReady = JSON.parse(process.env.BENCH_VAULT!);
  countVaultCalls(vault.url);
  countBackendRequests();
  const { knex, url, drop } = await openBenchDatabase();
  await migrateDatabase(
    mockServices.database({ knex, migrations: { skip: false } }),
  );
  const db = await openInsert(knex, url);
  const agent = new http.Agent({ keepAlive: true });
  const caPem = await (
    await fetch(`${vault.url}/v1/${vault.pkiMount}/ca/pem`)
  ).text();
  const caKey: KeyObject = new X509Certificate(caPem).publicKey;

  async function issue(req: http.IncomingMessage, res: http.ServerResponse) {
    const ref = JSON.parse(
      String(req.headers.authorization).slice(USER_TOKEN.length),
    ).sub as string;
    const username = ref.slice(ref.indexOf('/') + 1);
    const { csr, ttlSeconds } = JSON.parse(await readBody(req));
    checkCsr(csr, username);
    const { data } = await signAtVault(
      vault,
      agent,
      JSON.stringify({
        csr,
        ttl: `${ttlSeconds}s`,
        format: 'pem',
        key_usage: ['DigitalSignature'],
        ext_key_usage: ['ClientAuth'],
        exclude_cn_from_sans: true,
      }),
    );
    const certificate = new X509Certificate(data.certificate);
    if (!certificate.verify(caKey) || !certificate.subject.includes(username)) {
      throw new Error('Vault returned a certificate that does not check');
    }
    const serialNumber = String(data.serial_number).toLowerCase();
    const issuedAt = new Date();
    const expiresAt = new Date(certificate.validTo);
    await db.insert([
      serialNumber,
      ref,
      username,
      JSON.stringify(GROUPS),
      issuedAt,
      expiresAt,
      data.certificate,
      randomUUID(),
      issuedAt,
      ref,
      'certificate.issued',
      `Issued certificate ${serialNumber} to ${username}`,
      JSON.stringify({ serialNumber, groups: GROUPS }),
    ]);
    send(res, 201, {
      certificate: data.certificate,
      caChain: data.ca_chain ?? [data.issuing_ca],
      serialNumber,
      expiresAt: expiresAt.toISOString(),
      username,
      groups: GROUPS,
    });
  }

  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === `${PREFIX}/certificates`) {
      issue(req, res).catch(error => send(res, 500, { error: error.message }));
    } else if (req.method === 'GET' && req.url === `${PREFIX}/identity`) {
      const ref = String(req.headers.authorization).slice(USER_TOKEN.length);
      const sub = JSON.parse(ref).sub as string;
      send(res, 200, {
        username: sub.slice(sub.indexOf('/') + 1),
        groups: GROUPS,
      });
    } else send(res, 404, { error: 'not found' });
  });
  server.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  serveParent(
    { base: `http://127.0.0.1:${port}${PREFIX}`, vault },
    async () => {
      server.close();
      agent.destroy();
      await db.close();
      await knex.destroy();
      await drop();
    },
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
