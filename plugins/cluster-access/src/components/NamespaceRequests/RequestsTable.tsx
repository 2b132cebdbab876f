import { Table } from '@backstage/core-components';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import { requestColumns } from './columns';
import { Decision } from './types';

/** One list of requests, newest first, with Details and decisions. */
export const RequestsTable = (props: {
  title: string;
  requests: NamespaceRequest[];
  emptyText: string;
  userEntityRef?: string;
  onDetails: (request: NamespaceRequest) => void;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => {
  const { title, requests, emptyText, ...actions } = props;
  return (
    <Table<NamespaceRequest>
      title={title}
      options={{ search: true, paging: true, pageSize: 10, padding: 'dense' }}
      columns={requestColumns(actions)}
      data={requests}
      emptyContent={<Box p={2}>{emptyText}</Box>}
    />
  );
};
