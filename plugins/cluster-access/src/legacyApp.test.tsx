import { render, screen } from '@testing-library/react';
import { createApp } from '@backstage/app-defaults';
import { FlatRoutes } from '@backstage/core-app-api';
import { createApiFactory, fetchApiRef } from '@backstage/core-plugin-api';
import {
  CatalogEntityPage,
  CatalogIndexPage,
  EntityLayout,
  EntitySwitch,
  isKind,
} from '@backstage/plugin-catalog';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import { Route } from 'react-router-dom';
import {
  ClusterAccessPage,
  EntityGroupNamespacesCard,
  EntityUserAccessCard,
} from './index';
import { managedNamespace } from './testUtils/namespaces';

// A whole legacy app boots, mounts the plugin's routes and renders.
jest.setTimeout(60_000);

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice', namespace: 'default' },
    spec: { memberOf: ['payments'] },
  },
];

const history = [
  {
    id: 'e1',
    createdAt: '2026-11-28T10:00:00.000Z',
    actor: 'user:default/carol',
    type: 'request.approved',
    message: 'carol approved payments-api-dev',
  },
];
let requested: string[] = [];

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

/**
 * The backends, as the plugins' own clients reach them (the catalog's
 * client and Cluster Access's): the app is a real legacy app with the
 * plugins' own API factories, so only the network is faked.
 */
async function backends(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input instanceof Request ? input.url : input));
  requested.push(url.pathname + url.search);
  const byName = url.pathname.match(
    /\/api\/catalog\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/]+)$/,
  );
  if (byName) {
    const entity = entities.find(
      e =>
        e.kind.toLowerCase() === byName[1].toLowerCase() &&
        e.metadata.name === byName[3],
    );
    return entity
      ? json(entity)
      : json({ error: { name: 'NotFoundError' } }, 404);
  }
  if (url.pathname === '/api/cluster-access/history') {
    return json({ items: history, pageInfo: {} });
  }
  if (url.pathname === '/api/cluster-access/namespaces') {
    return json({ items: [managedNamespace()] });
  }
  if (url.pathname.startsWith('/api/cluster-access/')) {
    return json({ items: [] });
  }
  return json({ error: { name: 'NotFoundError' } }, 404);
}

/** The entity page an adopter writes: the two cards behind `isKind`. */
const entityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <EntitySwitch>
        <EntitySwitch.Case if={isKind('group')}>
          <EntityGroupNamespacesCard />
        </EntitySwitch.Case>
        <EntitySwitch.Case if={isKind('user')}>
          <EntityUserAccessCard />
        </EntitySwitch.Case>
      </EntitySwitch>
    </EntityLayout.Route>
  </EntityLayout>
);

function renderLegacyApp(path: string) {
  window.history.pushState({}, '', path);
  requested = [];
  const app = createApp({
    // As in a real legacy app, the plugins and their API factories are
    // found from the elements they provide (ClusterAccessPage, the cards,
    // CatalogEntityPage).
    apis: [
      createApiFactory(fetchApiRef, { fetch: backends as typeof fetch }),
      createApiFactory(permissionApiRef, mockApis.permission()),
    ],
    configLoader: async () => [
      {
        context: 'test',
        data: {
          app: { title: 'Legacy test app', baseUrl: 'http://localhost' },
          backend: { baseUrl: 'http://localhost:7007' },
        },
      },
    ],
  });
  const AppProvider = app.getProvider();
  const AppRouter = app.getRouter();
  render(
    <AppProvider>
      <AppRouter>
        <FlatRoutes>
          <Route path="/catalog" element={<CatalogIndexPage />} />
          <Route path="/cluster-access" element={<ClusterAccessPage />} />
          <Route
            path="/catalog/:namespace/:kind/:name"
            element={<CatalogEntityPage />}
          >
            {entityPage}
          </Route>
        </FlatRoutes>
      </AppRouter>
    </AppProvider>,
  );
}

describe('legacy createApp with the main exports', () => {
  it('serves the page with its own header and tabs', async () => {
    renderLegacyApp('/cluster-access/history');
    expect(
      await screen.findByText('carol approved payments-api-dev'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Self-service, short-lived access to Kubernetes'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Requests' })).toBeInTheDocument();
  });

  it('renders the Group card on a Group page', async () => {
    renderLegacyApp('/catalog/default/group/payments');
    expect(await screen.findByText('payments-api-dev')).toBeInTheDocument();
    expect(requested).toContain(
      '/api/cluster-access/namespaces?owner=group%3Adefault%2Fpayments',
    );
  });

  it('renders the User card on a User page', async () => {
    renderLegacyApp('/catalog/default/user/alice');
    expect(
      await screen.findByText('carol approved payments-api-dev'),
    ).toBeInTheDocument();
    expect(requested).toContainEqual(
      expect.stringMatching(
        /^\/api\/cluster-access\/history\?actor=user%3Adefault%2Falice/,
      ),
    );
  });
});
