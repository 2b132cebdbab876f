import { Table } from '@backstage/core-components';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import { Theme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { namespaceKey } from '../../lib/namespaces';
import { namespaceColumns, NamespaceRowOptions } from './columns';
import { Scope } from './ScopeToggle';
import { touchTableOptions } from '../PluginContent';
import { StackedRows } from '../StackedRows';

const PAGE_SIZE = 10;

/**
 * The managed namespaces, searchable and paged, ten at a time; on a phone,
 * where seven columns scroll sideways, one stacked item each.
 */
export const NamespacesTable = (
  props: NamespaceRowOptions & {
    scope: Scope;
    namespaces: ManagedNamespace[];
  },
) => {
  const { scope, namespaces, ...rows } = props;
  const phone = useMediaQuery((theme: Theme) => theme.breakpoints.down('xs'));
  const title = scope === 'mine' ? 'Your namespaces' : 'All namespaces';
  const emptyContent = (
    <Box p={2}>
      {scope === 'mine'
        ? 'You have access to no managed namespace yet.'
        : 'No namespace is managed yet.'}
    </Box>
  );
  if (phone) {
    return (
      <StackedRows<ManagedNamespace>
        title={title}
        columns={namespaceColumns(rows)}
        data={namespaces}
        rowKey={ns => namespaceKey(ns.cluster, ns.name)}
        emptyContent={emptyContent}
      />
    );
  }
  return (
    <Table<ManagedNamespace>
      title={title}
      options={{
        search: namespaces.length > PAGE_SIZE,
        paging: namespaces.length > PAGE_SIZE,
        pageSize: PAGE_SIZE,
        emptyRowsWhenPaging: false,
        padding: 'dense',
        ...touchTableOptions,
      }}
      columns={namespaceColumns(rows)}
      data={namespaces}
      emptyContent={emptyContent}
    />
  );
};
