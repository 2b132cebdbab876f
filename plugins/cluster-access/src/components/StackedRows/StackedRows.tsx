import { ReactNode } from 'react';
import { InfoCard, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import { makeStyles } from '@material-ui/core/styles';
import { RowActionsAsButtons } from '../RowAction';

const useStyles = makeStyles(theme => ({
  item: {
    display: 'block',
    paddingTop: theme.spacing(1.5),
    paddingBottom: theme.spacing(1.5),
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'auto minmax(0, 1fr)',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 0, 0),
    ...theme.typography.body2,
  },
  label: { color: theme.palette.text.secondary },
  value: { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  // The actions' own boxes lay them out for a table cell (a column, or
  // no wrapping); here they share the card's width in rows that wrap.
  actions: {
    marginTop: theme.spacing(1),
    '&& > *': {
      display: 'flex',
      flexDirection: 'row',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(1),
    },
    // Buttons that share the row and read as buttons without hover: text
    // alone beside the card's edge looks like a label on a phone.
    '& .MuiButton-root': {
      flex: '1 1 auto',
      border: `1px solid ${theme.palette.divider}`,
    },
  },
}));

function cell<T extends object>(column: TableColumn<T>, row: T): ReactNode {
  if (column.render) return column.render(row, 'row');
  const value = column.field
    ? (row as Record<string, unknown>)[column.field as string]
    : undefined;
  return value === undefined || value === null ? '' : String(value);
}

/**
 * A table's rows as a list of stacked items, for a phone, where the table's
 * columns scroll sideways out of the card. It takes the table's own columns:
 * the first is the item's heading, a `status` field sits beside it, the
 * last holds the row's actions (as words, see `RowActionsAsButtons`), and
 * the others are "label: value" lines.
 */
export const StackedRows = <T extends object>(props: {
  title: string;
  columns: TableColumn<T>[];
  data: T[];
  rowKey: (row: T) => string;
  emptyContent: ReactNode;
}) => {
  const { title, columns, data, rowKey, emptyContent } = props;
  const classes = useStyles();
  const [heading, ...rest] = columns;
  const actions = rest[rest.length - 1];
  const status = rest.find(c => c.field === 'status');
  const lines = rest.filter(c => c !== actions && c !== status);
  return (
    <InfoCard title={title} noPadding>
      {data.length === 0 ? (
        emptyContent
      ) : (
        <List disablePadding aria-label={title}>
          {data.map(row => (
            <ListItem key={rowKey(row)} divider className={classes.item}>
              <div className={classes.heading}>
                <div>{cell(heading, row)}</div>
                {status && <div>{cell(status, row)}</div>}
              </div>
              <dl className={classes.fields}>
                {lines.map(column => (
                  <Box key={String(column.title)} display="contents">
                    <dt className={classes.label}>{column.title}</dt>
                    <dd className={classes.value}>{cell(column, row)}</dd>
                  </Box>
                ))}
              </dl>
              <div className={classes.actions}>
                <RowActionsAsButtons.Provider value>
                  {cell(actions, row)}
                </RowActionsAsButtons.Provider>
              </div>
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};
