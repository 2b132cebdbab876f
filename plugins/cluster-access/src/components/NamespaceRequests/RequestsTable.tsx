import { Table } from '@backstage/core-components';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import { requestColumns } from './columns';
import { Decision } from './types';
import { touchTableOptions } from '../PluginContent';

const PAGE_SIZE = 10;

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
      options={{
        // Search and pages only once there is something to search or page.
        search: requests.length > PAGE_SIZE,
        paging: requests.length > PAGE_SIZE,
        pageSize: PAGE_SIZE,
        emptyRowsWhenPaging: false,
        padding: 'dense',
        ...touchTableOptions,
      }}
      columns={requestColumns(actions)}
      data={requests}
      emptyContent={<Box p={2}>{emptyText}</Box>}
    />
  );
};
