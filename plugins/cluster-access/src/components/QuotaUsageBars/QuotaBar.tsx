import { QuotaUsage } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { quotaFraction } from '../../lib/quantity';

/** From these shares of a limit on, a bar turns amber, then red. */
export const AMBER = 0.75;
export const RED = 0.9;

const useStyles = makeStyles(theme => ({
  ok: {
    backgroundColor: theme.palette.success?.main ?? theme.palette.primary.main,
  },
  amber: { backgroundColor: theme.palette.warning?.main ?? '#ff9800' },
  red: { backgroundColor: theme.palette.error.main },
}));

/** One quota as a labelled bar: green, amber from 75 %, red from 90 %. */
export const QuotaBar = (props: { quota: QuotaUsage; label: string }) => {
  const { quota, label } = props;
  const classes = useStyles();
  const fraction = quotaFraction(quota);
  let level: 'ok' | 'amber' | 'red' = 'ok';
  if (fraction !== undefined && fraction >= RED) level = 'red';
  else if (fraction !== undefined && fraction >= AMBER) level = 'amber';
  return (
    <Box mb={0.5}>
      <Box display="flex" justifyContent="space-between" style={{ gap: 8 }}>
        <Typography variant="caption">{label}</Typography>
        <Typography variant="caption" style={{ whiteSpace: 'nowrap' }}>
          {quota.used ?? '?'} / {quota.hard}
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, Math.round((fraction ?? 0) * 100))}
        classes={{ bar: classes[level] }}
        aria-label={`${label} usage`}
        data-level={level}
      />
    </Box>
  );
};
