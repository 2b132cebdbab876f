import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { pageTabs } from '../../routes';
import { IssuedCredentialsProvider } from '../IssuedCredentials';
import {
  GetAccessTab,
  HistoryTab,
  NamespacesTab,
  RequestNamespaceTab,
  RequestsTab,
} from './tabs';

/**
 * The Cluster Access page of the legacy frontend system: get access,
 * request namespaces, decide on requests, manage namespaces, history, as
 * tabs under its own header. (The new frontend system mounts the same tabs
 * as sub-pages; see `alpha.tsx`.)
 */
export const ClusterAccessPage = () => (
  <Page themeId="tool">
    <Header
      title="Cluster access"
      subtitle="Self-service, short-lived access to Kubernetes"
    />
    {/* Above the tabs: a kubeconfig not yet downloaded survives a look at another tab. */}
    <IssuedCredentialsProvider>
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Get cluster access">
          <GetAccessTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route
          path={`/${pageTabs.requestNamespace}`}
          title="Request namespace"
        >
          <RequestNamespaceTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path={`/${pageTabs.requests}`} title="Requests">
          <RequestsTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path={`/${pageTabs.namespaces}`} title="Namespaces">
          <NamespacesTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path={`/${pageTabs.history}`} title="History">
          <HistoryTab />
        </TabbedLayout.Route>
      </TabbedLayout>
    </IssuedCredentialsProvider>
  </Page>
);
