import { ReactNode } from 'react';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';

/**
 * One labelled row of the details table. Labels keep to one line: in a
 * phone's narrow dialog they were cut into "Reaso n" and "Expire s".
 */
export const Field = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell
      component="th"
      scope="row"
      style={{ width: '30%', whiteSpace: 'nowrap' }}
    >
      {props.label}
    </TableCell>
    <TableCell>{props.children}</TableCell>
  </TableRow>
);
