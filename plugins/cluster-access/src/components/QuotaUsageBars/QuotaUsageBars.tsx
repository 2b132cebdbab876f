import { useState } from 'react';
import { QuotaUsage } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Link from '@material-ui/core/Link';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { quotaFraction } from '../../lib/quantity';
import { QUOTA_SUMMARY, quotaLabel } from '../../lib/quotaLabels';
import { TOUCH_TARGET } from '../PluginContent';
import { QuotaBar } from './QuotaBar';

const useStyles = makeStyles(theme => ({
  // A line of caption text on its own below the bars: on a phone, as tall
  // as a thumb like the row's buttons beside it.
  toggle: {
    [theme.breakpoints.down('xs')]: { minHeight: TOUCH_TARGET },
  },
}));

/** Of the quotas that answer one question, the one closest to its limit. */
function fullest(quotas: QuotaUsage[]): QuotaUsage | undefined {
  return [...quotas].sort(
    (a, b) => (quotaFraction(b) ?? -1) - (quotaFraction(a) ?? -1),
  )[0];
}

/**
 * A namespace's quota in short: CPU, memory and pods (each the fullest of
 * its requests and limits), coloured by how full they are; every other
 * quota behind "all quotas". Says so when the cluster could not be read.
 */
export const QuotaUsageBars = (props: {
  quota?: QuotaUsage[];
  quotaError?: string;
}) => {
  const { quota, quotaError } = props;
  const [all, setAll] = useState(false);
  const classes = useStyles();
  if (!quota || quota.length === 0) {
    let text = 'No quota.';
    if (!quota) {
      text = quotaError
        ? `Quota usage unavailable: ${quotaError}`
        : 'No quota reported.';
    }
    return (
      <Typography variant="caption" color="textSecondary">
        {text}
      </Typography>
    );
  }
  const summary = QUOTA_SUMMARY.flatMap(({ label, keys }) => {
    const q = fullest(
      quota.filter(u => (keys as readonly string[]).includes(u.resource)),
    );
    return q ? [{ label, quota: q }] : [];
  });
  const shown = all || summary.length === 0;
  return (
    <Box minWidth={160}>
      {!shown &&
        summary.map(s => (
          <QuotaBar key={s.label} label={s.label} quota={s.quota} />
        ))}
      {shown &&
        quota.map(q => (
          <QuotaBar key={q.resource} label={quotaLabel(q.resource)} quota={q} />
        ))}
      {summary.length > 0 && (
        <Link
          className={classes.toggle}
          component="button"
          variant="caption"
          onClick={() => setAll(a => !a)}
        >
          {all ? 'Show the summary' : `All ${quota.length} quotas`}
        </Link>
      )}
    </Box>
  );
};
