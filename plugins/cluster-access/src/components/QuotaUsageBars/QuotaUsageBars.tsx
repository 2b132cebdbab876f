import { QuotaUsage } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { quotaFraction } from '../../lib/quantity';

/** From this share of a limit on, a bar turns to the warning colour. */
const NEARLY_FULL = 0.9;

/**
 * A namespace's quota as one bar per resource: used against hard, as the
 * cluster reports them. Says so when the cluster could not be read.
 */
export const QuotaUsageBars = (props: {
  quota?: QuotaUsage[];
  quotaError?: string;
}) => {
  const { quota, quotaError } = props;
  if (!quota) {
    return (
      <Typography variant="caption" color="textSecondary">
        {quotaError
          ? `Quota usage unavailable: ${quotaError}`
          : 'No quota reported.'}
      </Typography>
    );
  }
  if (quota.length === 0) {
    return (
      <Typography variant="caption" color="textSecondary">
        No quota.
      </Typography>
    );
  }
  return (
    <Box minWidth={180}>
      {quota.map(q => {
        const fraction = quotaFraction(q);
        return (
          <Box key={q.resource} mb={0.5}>
            <Box display="flex" justifyContent="space-between">
              <Typography variant="caption">{q.resource}</Typography>
              <Typography variant="caption">
                {q.used ?? '?'} / {q.hard}
              </Typography>
            </Box>
            <LinearProgress
              variant="determinate"
              value={Math.min(100, Math.round((fraction ?? 0) * 100))}
              color={
                fraction !== undefined && fraction >= NEARLY_FULL
                  ? 'secondary'
                  : 'primary'
              }
              aria-label={`${q.resource} usage`}
            />
          </Box>
        );
      })}
    </Box>
  );
};
