/*
 * One backend replica for bench/issuance.ts on the real Backstage stack, in
 * a process of its own: `createBackend()` of @backstage/backend-defaults with
 * its default service factories, as packages/backend runs it (root HTTP
 * router with helmet, CORS, compression and request logging; the plugin's
 * HTTP router with its credentials barrier; `httpAuth`, `auth` and
 * `userInfo`; the auditor and the Winston logger), with:
 *
 * - the auth backend (@backstage/plugin-auth-backend) and a sign-in provider
 *   of its own that signs in as whichever `bench-<i>` user the
 *   `x-bench-user` header names: the token is a real Backstage user token
 *   issued by the auth backend (ES256, its key in the auth database, the
 *   JWKS served at /api/auth/.well-known/jwks.json), verified by `httpAuth`
 *   as in production, and without the ownership claim (the auth backend's
 *   default), so `userInfo` asks the auth backend's /v1/userinfo (cached for
 *   5 s per token);
 * - the permission backend with an allow-all policy: with
 *   `permission.enabled`, each permission check is a request to it;
 * - the Cluster Access plugin itself (`src/index.ts`, all features).
 *
 * NODE_ENV is production (set by the parent): JSON logs at info, as a
 * deployment writes them; this process's stdout goes to a file. Only the
 * configuration comes from a static reader instead of app-config files.
 * The Vault peer runs in another process (BENCH_VAULT holds where).
 * SQLite in memory, or with BENCH_POSTGRES the plugins' databases on that
 * server (prefixed with this process's id, dropped at the end).
 */
import 'reflect-metadata';
import { createBackend } from '@backstage/backend-defaults';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import knexFactory from 'knex';
import net from 'node:net';
import {
  benchVaultConfig,
  countBackendRequests,
  countVaultCalls,
  instrument,
  serveParent,
} from './backendProcess';
import type { VaultPeerReady } from './vaultPeerProcess';

/** The header naming the user to sign in as. */
const USER_HEADER = 'x-bench-user';
const USER_NAME = /^bench-\d+$/;

/** Signs in as the `bench-<i>` user the header names, in group bench. */
const benchSignIn = createBackendModule({
  pluginId: 'auth',
  moduleId: 'bench-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'bench',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { name: string }) => ({
                profile: { displayName: result.name },
              }),
              initialize: () => ({}),
              async authenticate({ req }) {
                const name = req.header(USER_HEADER) ?? '';
                if (!USER_NAME.test(name)) {
                  throw new InputError(`${USER_HEADER} must be bench-<i>`);
                }
                return { result: { name } };
              },
            }),
            async signInResolver({ result }, ctx) {
              const sub = `user:default/${result.name}`;
              return ctx.issueToken({
                claims: { sub, ent: [sub, 'group:default/bench'] },
              });
            },
          }),
        });
      },
    });
  },
});

/** The cheapest policy there is: every request is allowed. */
const allowAllPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'bench-allow-all',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy({
          handle: async () => ({ result: AuthorizeResult.ALLOW }),
        });
      },
    });
  },
});

/** A port nothing listens on now (discovery needs it before listening). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    probe.once('error', reject);
    probe.once('listening', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `backend.database`, and how to drop what it made. */
function database(): { config: object; drop: () => Promise<void> } {
  const server = process.env.BENCH_POSTGRES;
  if (!server) {
    return {
      config: { client: 'better-sqlite3', connection: ':memory:' },
      drop: async () => {},
    };
  }
  const prefix = `ca_bench_${process.pid}_`;
  return {
    config: { client: 'pg', connection: server, prefix },
    drop: async () => {
      const admin = knexFactory({ client: 'pg', connection: server });
      const { rows } = await admin.raw(
        'SELECT datname FROM pg_database WHERE starts_with(datname, ?)',
        [prefix],
      );
      for (const { datname } of rows) {
        await admin.raw('DROP DATABASE ?? WITH (FORCE)', [datname]);
      }
      await admin.destroy();
    },
  };
}

function config(port: number, vault: VaultPeerReady, db: object) {
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: db,
    },
    auth: { providers: { bench: {} } },
    permission: { enabled: true },
    clusterAccess: {
      certificates: { defaultTtl: { hours: 1 } },
      vault: benchVaultConfig(vault),
      // Nothing listens on port 1: the namespace tasks fail fast, once.
      clusters: [{ name: 'bench', url: 'https://127.0.0.1:1' }],
    },
  };
}

async function main() {
  const vault: VaultPeerReady = JSON.parse(process.env.BENCH_VAULT!);
  instrument();
  countVaultCalls(vault.url);
  countBackendRequests();
  const port = await freePort();
  const db = database();
  const backend = createBackend();
  backend.add(
    mockServices.rootConfig.factory({ data: config(port, vault, db.config) }),
  );
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(benchSignIn);
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(allowAllPolicy);
  backend.add(import('../src'));
  await backend.start();
  serveParent(
    {
      base: `http://127.0.0.1:${port}/api/cluster-access`,
      tokenUrl: `http://127.0.0.1:${port}/api/auth/bench/refresh`,
      userHeader: USER_HEADER,
    },
    async () => {
      await backend.stop();
      await db.drop();
    },
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
