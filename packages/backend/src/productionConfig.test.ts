import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Config } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import path from 'node:path';
import request from 'supertest';
import sampleUsersAuth from './modules/sampleUsersAuth';

/*
 * The production backend loads app-config.yaml and then app-config.production.yaml. This loads
 * the same stack with Backstage's own loader and starts the auth backend on it, to prove that
 * neither the demo's sample-user sign-in nor its CLI sign-in metadata survives into production,
 * even with NODE_ENV=development.
 */

const root = path.resolve(__dirname, '../../..');

/** Values for the production file's `${...}` placeholders. */
const env: Record<string, string> = {
  APP_BASE_URL: 'https://portal.example.com',
  BACKEND_BASE_URL: 'https://portal.example.com',
  BACKEND_SECRET: 'a-production-secret',
  POSTGRES_HOST: 'db.example.com',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'secret',
};

const opened: Array<{ close(): void }> = [];
afterAll(() => opened.forEach(c => c.close()));

async function loadStack(files: string[]): Promise<Config> {
  const source = ConfigSources.default({
    rootDir: root,
    argv: files.flatMap(f => ['--config', path.join(root, f)]),
    substitutionFunc: async name => env[name] ?? process.env[name],
  });
  const config = await ConfigSources.toConfig(source);
  opened.push(config);
  return config;
}

async function startAuthOn(config: Config) {
  const previous = process.env.NODE_ENV;
  // The worst case: someone starts the production stack in development mode.
  process.env.NODE_ENV = 'development';
  try {
    return await startTestBackend({
      features: [
        authPlugin,
        sampleUsersAuth,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'alice', namespace: 'default' },
              spec: { memberOf: [] },
            },
          ],
        }),
        // Sign-in does not depend on where the database is; an in-memory one
        // stands in for the production PostgreSQL.
        mockServices.database.factory({
          knex: knexFactory({
            client: 'better-sqlite3',
            connection: ':memory:',
            useNullAsDefault: true,
          }),
        }),
        createServiceFactory({
          service: coreServices.rootConfig,
          deps: {},
          factory: () => config,
        }),
      ],
    });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

async function signInSurface(config: Config) {
  const { server } = await startAuthOn(config);
  const sampleUser = await request(server)
    .get('/api/auth/sample-users/refresh')
    .set('x-cluster-access-sample-user', 'alice');
  const cliClient = await request(server).get(
    '/api/auth/.well-known/oauth-client/cli.json',
  );
  return { sampleUser: sampleUser.status, cliClient: cliClient.status };
}

describe('the production config stack', () => {
  it('has neither the sample-user provider nor CLI sign-in metadata', async () => {
    const config = await loadStack([
      'app-config.yaml',
      'app-config.production.yaml',
    ]);
    expect(config.has('auth.providers.sample-users')).toBe(false);
    expect(config.getOptionalConfig('auth.providers')?.keys() ?? []).toEqual(
      [],
    );
    expect(config.has('auth.clientIdMetadataDocuments')).toBe(false);
    expect(
      config.getOptionalBoolean('auth.clientIdMetadataDocuments.enabled'),
    ).toBe(undefined);

    expect(await signInSurface(config)).toEqual({
      sampleUser: 404,
      cliClient: 404,
    });
  });

  it('is what switches them off: the development stack alone has both', async () => {
    const config = await loadStack(['app-config.yaml']);
    expect(await signInSurface(config)).toEqual({
      sampleUser: 200,
      cliClient: 200,
    });
  });
});
