import { Table } from '@backstage/core-components';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import { namespaceColumns, NamespaceRowOptions } from './columns';
import { Scope } from './ScopeToggle';
import { touchTableOptions } from '../PluginContent';

const PAGE_SIZE = 10;

/** The managed namespaces, searchable and paged, ten at a time. */
export const NamespacesTable = (
  props: NamespaceRowOptions & {
    scope: Scope;
    namespaces: ManagedNamespace[];
  },
) => {
  const { scope, namespaces, ...rows } = props;
  return (
    <Table<ManagedNamespace>
      title={scope === 'mine' ? 'Your namespaces' : 'All namespaces'}
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
      emptyContent={
        <Box p={2}>
          {scope === 'mine'
            ? 'You have access to no managed namespace yet.'
            : 'No namespace is managed yet.'}
        </Box>
      }
    />
  );
};
