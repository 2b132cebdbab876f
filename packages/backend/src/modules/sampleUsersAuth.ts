import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** Header the demo sign-in page sends with the chosen sample user. */
export const SAMPLE_USER_HEADER = 'x-cluster-access-sample-user';

const USER_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

/**
 * Reads which sample user the browser asked to be, and checks that the user
 * is one of the configured sample users.
 */
export const sampleUsersAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { userName: string }) => ({
    profile: { displayName: result.userName },
  }),
  initialize({ config }) {
    return {
      users: new Set(
        config.getConfigArray('users').map(user => user.getString('name')),
      ),
    };
  },
  async authenticate({ req }, { users }) {
    const userName = req.header(SAMPLE_USER_HEADER);
    if (!userName) {
      throw new InputError(`Missing ${SAMPLE_USER_HEADER} header`);
    }
    if (!USER_NAME.test(userName) || !users.has(userName)) {
      throw new NotAllowedError(`${userName} is not a sample user`);
    }
    return { result: { userName } };
  },
});

/**
 * Sign-in as one of the sample users, for the local demo only: no password,
 * no identity provider. Outside NODE_ENV=development it is never registered
 * unless `auth.providers.sample-users.dangerouslyAllowOutsideDevelopment` is
 * set.
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'sample-users-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        const providerConfig = config.getOptionalConfig(
          'auth.providers.sample-users',
        );
        if (!providerConfig) {
          return;
        }
        const allowOutsideDevelopment =
          providerConfig.getOptionalBoolean(
            'dangerouslyAllowOutsideDevelopment',
          ) ?? false;
        if (
          process.env.NODE_ENV !== 'development' &&
          !allowOutsideDevelopment
        ) {
          // app-config.yaml is often loaded in production too, so refusing to
          // register (rather than crashing) keeps a deployment up while making
          // sure nobody can sign in as a sample user there.
          logger.error(
            'Sample-user sign-in is configured but NODE_ENV is not development: it is NOT enabled. ' +
              'Configure a real identity provider for this environment.',
          );
          return;
        }
        logger.warn(
          'Sample-user sign-in is enabled: anyone who can reach this backend can act as a sample user. Never use it in production.',
        );
        providers.registerProvider({
          providerId: 'sample-users',
          factory: createProxyAuthProviderFactory({
            authenticator: sampleUsersAuthenticator,
            async signInResolver({ result }, ctx) {
              // The user must exist in the catalog; ownership (groups) comes
              // from the catalog too, exactly as with a real provider.
              return ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              });
            },
          }),
        });
      },
    });
  },
});
