import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { namespaceKey } from '../../lib/namespaces';
import { NamespaceLink } from '../NamespaceLink';
import { QuotaUsageBars } from '../QuotaUsageBars';
import { RequestStatusChip } from '../RequestStatusChip';
import { MemberChips } from './MemberChips';
import { NamespaceActions } from './NamespaceActions';

/** What the rows of the namespaces table can do and show beyond the data. */
export interface NamespaceRowOptions {
  /** Bindings that let outsiders in, by namespace key. */
  outsiders?: Map<string, number>;
  canDecommission: (ns: ManagedNamespace) => boolean;
  onMembers: (ns: ManagedNamespace) => void;
  onDecommission: (ns: ManagedNamespace) => void;
}

/** The columns of the namespaces table; the last one holds the actions. */
export function namespaceColumns(
  options: NamespaceRowOptions,
): TableColumn<ManagedNamespace>[] {
  const { outsiders, canDecommission, onMembers, onDecommission } = options;
  return [
    {
      // The cluster under the name keeps the table narrow enough for the
      // quota bars and actions.
      title: 'Namespace / cluster',
      field: 'name',
      customFilterAndSearch: (term: string, ns: ManagedNamespace) =>
        `${ns.name} ${ns.cluster}`.includes(term.toLocaleLowerCase('en-US')),
      render: ns => (
        <>
          <NamespaceLink cluster={ns.cluster} namespace={ns.name} />
          <Typography variant="caption" component="div">
            {ns.cluster}
          </Typography>
        </>
      ),
    },
    {
      title: 'Owner',
      field: 'owner',
      render: ns => <EntityRefLink entityRef={ns.owner} hideIcon />,
    },
    { title: 'Tier', field: 'tier' },
    {
      title: 'Status',
      field: 'status',
      render: ns => (
        <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
          <RequestStatusChip status={ns.status} />
          {ns.pendingDecommissionRequestId && (
            <Chip size="small" variant="outlined" label="Deletion requested" />
          )}
        </Box>
      ),
    },
    {
      title: 'Members',
      sorting: false,
      render: ns => (
        <MemberChips
          namespace={ns}
          outsiders={outsiders?.get(namespaceKey(ns.cluster, ns.name))}
        />
      ),
    },
    {
      title: 'Quota',
      sorting: false,
      render: ns => (
        <QuotaUsageBars quota={ns.quota} quotaError={ns.quotaError} />
      ),
    },
    {
      title: 'Actions',
      sorting: false,
      render: ns => (
        <NamespaceActions
          namespace={ns}
          canDecommission={canDecommission(ns)}
          onMembers={() => onMembers(ns)}
          onDecommission={() => onDecommission(ns)}
        />
      ),
    },
  ];
}
