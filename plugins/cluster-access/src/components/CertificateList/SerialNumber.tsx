import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

// A serial of 20 bytes is wider than a tooltip's 300 px: on one line, not two.
const useStyles = makeStyles({ wide: { maxWidth: 'none' } });

/** Bytes kept at each end of a shortened serial number. */
const KEPT_BYTES = 2;

/**
 * A colon-hex serial number shortened to its first and last bytes
 * (`3a:1f…e2:9c`), enough to tell one's few certificates apart; a short one
 * stays whole.
 */
export function shortSerial(serial: string): string {
  const bytes = serial.split(':');
  if (bytes.length <= 2 * KEPT_BYTES + 1) return serial;
  return `${bytes.slice(0, KEPT_BYTES).join(':')}…${bytes
    .slice(-KEPT_BYTES)
    .join(':')}`;
}

/**
 * A certificate's serial number on one line: the short form, the whole
 * number on hover, and a button that copies it (for `vault` or a ticket).
 */
export const SerialNumber = (props: { serial: string }) => {
  const { serial } = props;
  const classes = useStyles();
  return (
    <Box display="flex" alignItems="center" style={{ gap: 4 }}>
      <Tooltip title={serial} classes={{ tooltip: classes.wide }}>
        <code style={{ whiteSpace: 'nowrap' }}>{shortSerial(serial)}</code>
      </Tooltip>
      <CopyTextButton
        text={serial}
        aria-label="Copy serial number"
        tooltipText="Serial number copied"
        // Quiet beside a short code; the table's one loud button is Revoke.
        variant="tertiary"
      />
    </Box>
  );
};
