import { ContentHeader, SupportButton } from '@backstage/core-components';
import { GetClusterAccess } from '../GetClusterAccess';
import { HistoryTable } from '../HistoryTable';
import { ManagedNamespaces } from '../ManagedNamespaces';
import { NamespaceRequests } from '../NamespaceRequests';
import { PluginContent } from '../PluginContent';
import { RequestNamespaceForm } from '../RequestNamespaceForm';

/*
 * The page's tabs, without a page around them: the legacy page puts them in
 * its own Page, Header and TabbedLayout; the new frontend system mounts
 * each as a sub-page under the one header the app draws.
 */

export const GetAccessTab = () => (
  <PluginContent>
    <ContentHeader title="Get cluster access">
      <SupportButton>
        Get a short-lived Kubernetes client certificate signed by Vault, as
        yourself and with your groups.
      </SupportButton>
    </ContentHeader>
    <GetClusterAccess />
  </PluginContent>
);

export const RequestNamespaceTab = () => (
  <PluginContent>
    <ContentHeader title="Request a namespace">
      <SupportButton>
        Ask for a namespace for one of your Groups. It gets the tier's quota,
        limits, network policy and Pod Security level, and every member of the
        Group gets access.
      </SupportButton>
    </ContentHeader>
    <RequestNamespaceForm />
  </PluginContent>
);

export const RequestsTab = () => (
  <PluginContent>
    <NamespaceRequests />
  </PluginContent>
);

export const NamespacesTab = () => (
  <PluginContent>
    <ManagedNamespaces />
  </PluginContent>
);

export const HistoryTab = () => (
  <PluginContent>
    <HistoryTable />
  </PluginContent>
);
