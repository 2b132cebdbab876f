import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { isIP } from 'node:net';
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
 * Whether a listen host only accepts connections from this machine: the
 * IPv4 loopback range 127.0.0.0/8 (also IPv4-mapped, `::ffff:127.x.y.z`),
 * `::1`, or `localhost`. The empty host (Backstage's default), `0.0.0.0` and
 * `::` listen on every interface.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.split('.')[0] === '127';
  if (isIP(bare) !== 6) return false;
  const groups = ipv6Groups(bare);
  const zeros = (from: number, to: number) =>
    groups.slice(from, to).every(g => g === 0);
  if (zeros(0, 7) && groups[7] === 1) return true;
  // IPv4-mapped (::ffff:127.0.0.1, ::ffff:7f00:1).
  return zeros(0, 5) && groups[5] === 0xffff && groups[6] >> 8 === 127;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${(
      (c << 8) |
      d
    ).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map(g =>
    parseInt(g, 16),
  );
}

/**
 * Why the sample-user sign-in must stay off with this configuration, or
 * undefined when it may run: only in development (or with the explicit
 * `dangerouslyAllowOutsideDevelopment`), and only on a backend that listens
 * on loopback, whatever else is set.
 */
export function sampleUsersRefusal(
  config: Config,
  nodeEnv: string | undefined,
): string | undefined {
  const allowOutsideDevelopment =
    config.getOptionalBoolean(
      'auth.providers.sample-users.dangerouslyAllowOutsideDevelopment',
    ) ?? false;
  if (nodeEnv !== 'development' && !allowOutsideDevelopment) {
    return `NODE_ENV is ${nodeEnv ?? 'not set'}, not development`;
  }
  let host: string;
  try {
    host = readHttpServerOptions(config.getOptionalConfig('backend')).listen
      .host;
  } catch (e) {
    return `backend.listen cannot be read: ${(e as Error).message}`;
  }
  if (!isLoopbackHost(host)) {
    return `the backend listens on ${
      host ? `'${host}'` : 'every interface'
    }, not only on loopback`;
  }
  return undefined;
}

/**
 * Sign-in as one of the sample users, for the local demo only: no password,
 * no identity provider. It is never registered outside NODE_ENV=development
 * (unless `auth.providers.sample-users.dangerouslyAllowOutsideDevelopment` is
 * set), nor on a backend that listens on anything but loopback.
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
        const refusal = sampleUsersRefusal(config, process.env.NODE_ENV);
        if (refusal) {
          // app-config.yaml is often loaded in production too, so refusing to
          // register (rather than crashing) keeps a deployment up while making
          // sure nobody can sign in as a sample user there.
          logger.error(
            `Sample-user sign-in is configured but ${refusal}: it is NOT enabled. ` +
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
