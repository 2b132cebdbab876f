import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import { accessLines } from './accessLines';
import { AccessSentence } from './AccessSentence';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, padding: 0, listStyle: 'none' },
  line: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(0.5),
    padding: theme.spacing(0.25, 0),
    overflowWrap: 'anywhere',
  },
  flagged: { color: theme.palette.warning.dark },
  icon: { fontSize: '1rem', marginTop: 2, flexShrink: 0 },
}));

/**
 * Who can get in and why, one sentence per way in: "Alice and Bob can edit
 * payments-api-dev as members of Payments." Entries that let in outsiders
 * come first, marked with a warning.
 */
export const NamespaceAccessList = (props: {
  entries: NamespaceAccess[];
  /** Accessible name of the list. */
  label: string;
  emptyText: string;
}) => {
  const { entries, label, emptyText } = props;
  const classes = useStyles();
  if (entries.length === 0) {
    return <Typography variant="body2">{emptyText}</Typography>;
  }
  return (
    <ul className={classes.list} aria-label={label}>
      {accessLines(entries).map(line => (
        <Typography
          component="li"
          variant="body2"
          key={line.key}
          className={`${classes.line} ${
            line.entry.flagged ? classes.flagged : ''
          }`}
        >
          {line.entry.flagged && (
            <WarningIcon
              className={classes.icon}
              titleAccess="Outsider access"
            />
          )}
          <Box component="span">
            <AccessSentence line={line} />
          </Box>
        </Typography>
      ))}
    </ul>
  );
};
