import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  SupportButton,
  TabbedLayout,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
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
          <InfoCard title="Not available yet">
            <Typography variant="body1">
              Certificate issuance is not enabled in this version of the
              plugin.
            </Typography>
          </InfoCard>
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
