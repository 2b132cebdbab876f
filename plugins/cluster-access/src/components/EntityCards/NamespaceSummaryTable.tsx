import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { RequestStatusChip } from '../RequestStatusChip';

/**
 * A compact list of namespaces for entity cards: on a Group's page with
 * their members, on a User's page with their owner Group.
 */
export const NamespaceSummaryTable = (props: {
  namespaces: ManagedNamespace[];
  /** The last column: who has access, or which Group owns it. */
  show: 'members' | 'owner';
  emptyText: string;
  label: string;
}) => {
  const { namespaces, show, emptyText, label } = props;
  if (namespaces.length === 0) {
    return (
      <Box p={2}>
        <Typography variant="body2">{emptyText}</Typography>
      </Box>
    );
  }
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Namespace</TableCell>
          <TableCell>Cluster</TableCell>
          <TableCell>Tier</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>{show === 'members' ? 'Members' : 'Owner'}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {namespaces.map(ns => (
          <TableRow key={`${ns.cluster}/${ns.name}`}>
            <TableCell>
              <code>{ns.name}</code>
            </TableCell>
            <TableCell>{ns.cluster}</TableCell>
            <TableCell>{ns.tier}</TableCell>
            <TableCell>
              <RequestStatusChip status={ns.status} />
            </TableCell>
            <TableCell>
              {show === 'members' ? (
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
              ) : (
                <EntityRefLink entityRef={ns.owner} hideIcon />
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
