import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { namespaceKey } from '../../lib/namespaces';
import { RequestStatusChip } from '../RequestStatusChip';
import { NamespaceLink } from '../NamespaceLink';

const useStyles = makeStyles({
  // Short values stay on one line (squeezed, "dev" became a column of
  // letters on a phone); the table then scrolls inside its card.
  table: { '& th, & td': { whiteSpace: 'nowrap' } },
  // The member chips wrap, in a column wide enough for a few of them.
  members: { '&&': { whiteSpace: 'normal', minWidth: 160 } },
});

/** A compact list of namespaces with their members, for a Group's card. */
export const NamespaceSummaryTable = (props: {
  namespaces: ManagedNamespace[];
  emptyText: string;
  label: string;
}) => {
  const { namespaces, emptyText, label } = props;
  const classes = useStyles();
  if (namespaces.length === 0) {
    return (
      <Box p={2}>
        <Typography variant="body2">{emptyText}</Typography>
      </Box>
    );
  }
  // Five columns are wider than a card on a phone: the table scrolls
  // sideways inside the card instead of running out of it or squeezing
  // its columns.
  return (
    <TableContainer>
      <Table size="small" aria-label={label} className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Namespace</TableCell>
            <TableCell>Cluster</TableCell>
            <TableCell>Tier</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Members</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {namespaces.map(ns => (
            <TableRow key={namespaceKey(ns.cluster, ns.name)}>
              <TableCell>
                <NamespaceLink cluster={ns.cluster} namespace={ns.name} />
              </TableCell>
              <TableCell>{ns.cluster}</TableCell>
              <TableCell>{ns.tier}</TableCell>
              <TableCell>
                <RequestStatusChip status={ns.status} />
              </TableCell>
              <TableCell className={classes.members}>
                <Box display="flex" flexWrap="wrap">
                  {ns.members.map(m => (
                    <Chip
                      key={m.user}
                      size="small"
                      label={m.username}
                      title={
                        m.source === 'extra'
                          ? `${m.user} (extra member)`
                          : m.user
                      }
                      variant={m.source === 'extra' ? 'outlined' : 'default'}
                      style={{ margin: 2 }}
                    />
                  ))}
                </Box>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
};
