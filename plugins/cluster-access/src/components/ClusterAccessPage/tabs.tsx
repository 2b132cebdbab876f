import {
  Content,
  ContentHeader,
  SupportButton,
} from '@backstage/core-components';
import { GetClusterAccess } from '../GetClusterAccess';
import { HistoryTable } from '../HistoryTable';
import { ManagedNamespaces } from '../ManagedNamespaces';
import { NamespaceRequests } from '../NamespaceRequests';
import { RequestNamespaceForm } from '../RequestNamespaceForm';

/*
 * The page's tabs, without a page around them: the legacy page puts them in
 * its own Page, Header and TabbedLayout; the new frontend system mounts
 * each as a sub-page under the one header the app draws.
 */

export const GetAccessTab = () => (
  <Content>
    <ContentHeader title="Get cluster access">
      <SupportButton>
        Get a short-lived Kubernetes client certificate signed by Vault, as
        yourself and with your groups.
      </SupportButton>
    </ContentHeader>
    <GetClusterAccess />
  </Content>
);

export const RequestNamespaceTab = () => (
  <Content>
    <ContentHeader title="Request a namespace">
      <SupportButton>
        Ask for a namespace for one of your Groups. It gets the tier's quota,
        limits, network policy and Pod Security level, and every member of the
        Group gets access.
      </SupportButton>
    </ContentHeader>
    <RequestNamespaceForm />
  </Content>
);

export const RequestsTab = () => (
  <Content>
    <NamespaceRequests />
  </Content>
);

export const NamespacesTab = () => (
  <Content>
    <ManagedNamespaces />
  </Content>
);

export const HistoryTab = () => (
  <Content>
    <HistoryTable />
  </Content>
);
