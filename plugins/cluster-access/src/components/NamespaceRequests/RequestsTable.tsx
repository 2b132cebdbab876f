import { Table } from '@backstage/core-components';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import { Theme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { requestColumns } from './columns';
import { Decision } from './types';
import { touchTableOptions } from '../PluginContent';
import { StackedRows } from '../StackedRows';

const PAGE_SIZE = 10;

/**
 * One list of requests, newest first, with Details and decisions; on a
 * phone, where the columns scroll sideways, one stacked item each.
 */
export const RequestsTable = (props: {
  title: string;
  requests: NamespaceRequest[];
  emptyText: string;
  userEntityRef?: string;
  onDetails: (request: NamespaceRequest) => void;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => {
  const { title, requests, emptyText, ...actions } = props;
  const phone = useMediaQuery((theme: Theme) => theme.breakpoints.down('xs'));
  if (phone) {
    return (
      <StackedRows<NamespaceRequest>
        title={title}
        columns={requestColumns(actions)}
        data={newestFirst(requests)}
        rowKey={r => r.id}
        emptyContent={<Box p={2}>{emptyText}</Box>}
      />
    );
  }
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

/** The table sorts by Created; the stacked list has no sort headers. */
function newestFirst(requests: NamespaceRequest[]): NamespaceRequest[] {
  return [...requests].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
