import {
  Content,
  ContentHeader,
  Header,
  Page,
  SupportButton,
  TabbedLayout,
} from '@backstage/core-components';
import { GetClusterAccess } from '../GetClusterAccess';
import { HistoryTable } from '../HistoryTable';

/** The Cluster Access page: get access, request namespaces, history. */
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
      <TabbedLayout.Route path="/history" title="History">
        <Content>
          <HistoryTable />
        </Content>
      </TabbedLayout.Route>
    </TabbedLayout>
  </Page>
);
