import {
  Content,
  ContentHeader,
  Header,
  Page,
  SupportButton,
  TabbedLayout,
} from '@backstage/core-components';
import { pageTabs } from '../../routes';
import { GetClusterAccess } from '../GetClusterAccess';
import { HistoryTable } from '../HistoryTable';
import { ManagedNamespaces } from '../ManagedNamespaces';
import { NamespaceRequests } from '../NamespaceRequests';
import { RequestNamespaceForm } from '../RequestNamespaceForm';

/**
 * The Cluster Access page: get access, request namespaces, decide on
 * requests, manage namespaces, history.
 */
export const ClusterAccessPage = () => (
  <Page themeId="tool">
    <Header
      title="Cluster access"
      subtitle="Self-service, short-lived access to Kubernetes"
    />
    <TabbedLayout>
      <TabbedLayout.Route path="/" title="Get cluster access">
        <Content>
          <ContentHeader title="Get cluster access">
            <SupportButton>
              Get a short-lived Kubernetes client certificate signed by Vault,
              as yourself and with your groups.
            </SupportButton>
          </ContentHeader>
          <GetClusterAccess />
        </Content>
      </TabbedLayout.Route>
      <TabbedLayout.Route
        path={`/${pageTabs.requestNamespace}`}
        title="Request namespace"
      >
        <Content>
          <ContentHeader title="Request a namespace">
            <SupportButton>
              Ask for a namespace for one of your Groups. It gets the tier's
              quota, limits, network policy and Pod Security level, and every
              member of the Group gets access.
            </SupportButton>
          </ContentHeader>
          <RequestNamespaceForm />
        </Content>
      </TabbedLayout.Route>
      <TabbedLayout.Route path={`/${pageTabs.requests}`} title="Requests">
        <Content>
          <NamespaceRequests />
        </Content>
      </TabbedLayout.Route>
      <TabbedLayout.Route path={`/${pageTabs.namespaces}`} title="Namespaces">
        <Content>
          <ManagedNamespaces />
        </Content>
      </TabbedLayout.Route>
      <TabbedLayout.Route path={`/${pageTabs.history}`} title="History">
        <Content>
          <HistoryTable />
        </Content>
      </TabbedLayout.Route>
    </TabbedLayout>
  </Page>
);
