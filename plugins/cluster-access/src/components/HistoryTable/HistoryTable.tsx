import { ReactNode, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Table, TableColumn } from '@backstage/core-components';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { Theme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { HistoryFilter } from '../../api';
import { formatDate } from '../../lib/dates';
import { firstLoadView } from '../AsyncContent';
import { NamespaceKeyLink } from '../NamespaceLink';
import { eventKind } from './eventDetails';
import { EventGroup, groupEvents } from './groupEvents';
import { EventGroupStory } from './EventGroupStory';
import { HistoryFilters, HistoryFilterValues } from './HistoryFilters';
import { touchTableOptions } from '../PluginContent';
import { SubmitError } from '../SubmitError';
import { useHistoryPages } from './useHistoryPages';

const PAGE_SIZE = 20;

const columns: TableColumn<EventGroup>[] = [
  {
    title: 'Namespace',
    field: 'namespace',
    width: '20%',
    render: g =>
      g.namespace ? <NamespaceKeyLink namespaceKey={g.namespace} /> : '—',
  },
  {
    title: 'What happened',
    sorting: false,
    render: g => <EventGroupStory events={g.events} />,
  },
  {
    title: 'Last change',
    field: 'latestAt',
    width: '18%',
    render: g => formatDate(g.latestAt),
  },
];

/**
 * On a phone the three columns left the sentences about 118 px: one column
 * instead, the namespace above its story (each line has its own time).
 */
const phoneColumns: TableColumn<EventGroup>[] = [
  {
    title: 'What happened',
    sorting: false,
    render: g => (
      <>
        {g.namespace && (
          <Box mb={0.5}>
            <NamespaceKeyLink namespaceKey={g.namespace} />
          </Box>
        )}
        <EventGroupStory events={g.events} />
      </>
    ),
  },
];

const distinct = (values: Array<string | undefined>) =>
  [...new Set(values.filter((v): v is string => !!v))].sort();

function matches(event: HistoryEvent, filter: HistoryFilterValues): boolean {
  return (
    (!filter.actor || event.actor === filter.actor) &&
    (!filter.namespace || event.namespace === filter.namespace) &&
    (!filter.kind || eventKind(event) === filter.kind)
  );
}

/** The table of event groups, with the filters in its toolbar. */
const HistoryGroupsTable = (props: {
  groups: EventGroup[];
  phone: boolean;
  toolbarFilters: ReactNode;
}) => {
  const { groups, phone, toolbarFilters } = props;
  return (
    <Table<EventGroup>
      title="History"
      subtitle="Every request, decision and change, as it happened"
      options={{
        search: false,
        paging: groups.length > PAGE_SIZE,
        pageSize: PAGE_SIZE,
        emptyRowsWhenPaging: false,
        padding: 'dense',
        ...touchTableOptions,
      }}
      components={{
        // The filters replace the free-text search: events are sentences
        // with links, which a text search over raw fields misses.
        Toolbar: toolbar => (
          <>
            <Box px={2} pt={2}>
              {toolbar.title}
            </Box>
            {toolbarFilters}
          </>
        ),
      }}
      columns={phone ? phoneColumns : columns}
      data={groups}
      emptyContent={<Box p={2}>Nothing matches.</Box>}
    />
  );
};

/**
 * The public history as stories: one row per request with its events as
 * sentences, newest first, narrowed by who, namespace and kind of event.
 */
export const HistoryTable = (props: { filter?: HistoryFilter }) => {
  const { filter } = props;
  const { first: history, events, older, showOlder } = useHistoryPages(filter);
  // `?actor=` and `?namespace=`: the User card links here narrowed.
  const [search] = useSearchParams();
  const [values, setValues] = useState<HistoryFilterValues>({
    actor: search.get('actor') ?? '',
    namespace: search.get('namespace') ?? '',
    kind: '',
  });
  const phone = useMediaQuery((theme: Theme) => theme.breakpoints.down('xs'));
  const groups = useMemo(
    () => groupEvents(events.filter(e => matches(e, values))),
    [events, values],
  );

  const waiting = firstLoadView({
    states: [history],
    deniedWhat: 'see the history',
  });
  if (waiting) return waiting;
  return (
    <>
      <HistoryGroupsTable
        groups={groups}
        phone={phone}
        toolbarFilters={
          <HistoryFilters
            actors={distinct([values.actor, ...events.map(e => e.actor)])}
            namespaces={distinct([
              values.namespace,
              ...events.map(e => e.namespace),
            ])}
            value={values}
            onChange={setValues}
          />
        }
      />
      {showOlder && (
        <Box mt={1} display="flex" justifyContent="center">
          <Button size="small" onClick={showOlder} disabled={older.loading}>
            {older.loading ? 'Loading older events…' : 'Show older events'}
          </Button>
        </Box>
      )}
      <SubmitError
        error={older.error}
        describe={() => 'Could not load older events'}
      />
    </>
  );
};
