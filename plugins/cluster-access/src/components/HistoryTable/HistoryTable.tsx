import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { HistoryFilter } from '../../api';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { anyEvent } from '../../hooks/useClusterAccessSignals';
import { formatDate } from '../../lib/dates';

const columns: TableColumn<HistoryEvent>[] = [
  {
    title: 'When',
    field: 'createdAt',
    render: e => formatDate(e.createdAt),
  },
  { title: 'Who', field: 'actor' },
  { title: 'What', field: 'type' },
  { title: 'Namespace', field: 'namespace' },
  { title: 'Details', field: 'message' },
];

/** The public history: every request, decision and change. */
export const HistoryTable = (props: {
  filter?: HistoryFilter;
  title?: string;
}) => {
  const { filter, title } = props;
  const { value, loading, error } = useClusterAccessApi(
    api => api.listHistory(filter),
    [JSON.stringify(filter ?? {})],
    { liveOn: anyEvent },
  );

  // A live reload keeps the rows it has until the new ones arrive.
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;

  return (
    <Table<HistoryEvent>
      title={title ?? 'History'}
      options={{ search: true, paging: true, pageSize: 20, padding: 'dense' }}
      columns={columns}
      data={value ?? []}
      emptyContent={
        <div style={{ padding: 16 }}>Nothing has happened yet.</div>
      }
    />
  );
};
