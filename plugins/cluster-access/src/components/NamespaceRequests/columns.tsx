import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import InfoIcon from '@material-ui/icons/InfoOutlined';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { formatDate } from '../../lib/dates';
import { NamespaceLink } from '../NamespaceLink';
import { RowAction } from '../RowAction';
import { RequestStatusChip } from '../RequestStatusChip';
import { DecisionButtons } from './DecisionButtons';
import { Decision } from './types';

/** The columns of a requests table; the last one holds the actions. */
export function requestColumns(options: {
  userEntityRef?: string;
  onDetails: (request: NamespaceRequest) => void;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}): TableColumn<NamespaceRequest>[] {
  const { userEntityRef, onDetails, onDecide } = options;
  return [
    {
      title: 'Namespace / cluster',
      field: 'namespace',
      render: r => (
        <>
          <NamespaceLink cluster={r.cluster} namespace={r.namespace} />
          <Typography variant="caption" component="div">
            {r.cluster}
          </Typography>
          {r.kind === 'decommission' && (
            <Chip
              size="small"
              label="Delete"
              variant="outlined"
              style={{ marginLeft: 8 }}
            />
          )}
        </>
      ),
    },
    {
      title: 'Status',
      field: 'status',
      render: r => <RequestStatusChip status={r.status} />,
    },
    {
      title: 'Requester',
      field: 'requester',
      render: r => <EntityRefLink entityRef={r.requester} hideIcon />,
    },
    {
      title: 'Owner',
      field: 'owner',
      render: r => <EntityRefLink entityRef={r.owner} hideIcon />,
    },
    { title: 'Tier', field: 'tier' },
    {
      title: 'Created',
      field: 'createdAt',
      defaultSort: 'desc',
      render: r => formatDate(r.createdAt),
    },
    {
      title: 'Actions',
      sorting: false,
      render: r => (
        <Box display="flex" flexWrap="nowrap">
          <RowAction
            title="Details and history"
            label={`Details of ${r.namespace}`}
            icon={<InfoIcon />}
            onClick={() => onDetails(r)}
          />
          <DecisionButtons
            request={r}
            userEntityRef={userEntityRef}
            onDecide={onDecide}
          />
        </Box>
      ),
    },
  ];
}
