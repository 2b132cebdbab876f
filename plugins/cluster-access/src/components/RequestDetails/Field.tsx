import { ReactNode } from 'react';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';

/** One labelled row of the details table. */
export const Field = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" style={{ width: '30%' }}>
      {props.label}
    </TableCell>
    <TableCell>{props.children}</TableCell>
  </TableRow>
);
