import { InfoCard } from '@backstage/core-components';
import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { quotaLabel } from '../../lib/quotaLabels';
import { Approvers } from './Approvers';

/** The tier's rules and quota, so the user knows what they ask for. */
export const TierSummary = (props: { tier: TierInfo }) => {
  const { tier } = props;
  const quota = Object.entries(tier.resourceQuota);
  const approvers = tier.approval === 'required' ? tier.approvers ?? [] : [];
  return (
    <InfoCard title={`What a ${tier.title} namespace gets`}>
      {tier.description && (
        <Typography variant="body2" paragraph>
          {tier.description}
        </Typography>
      )}
      <Box mb={2}>
        {tier.approval === 'required' ? (
          <Chip size="small" label="Needs an approval" variant="outlined" />
        ) : (
          <Chip size="small" label="Approved at once" color="primary" />
        )}
        {approvers.length > 0 && (
          <Typography variant="body2" style={{ marginTop: 8 }}>
            Requests go to <Approvers refs={approvers} /> to approve.
          </Typography>
        )}
      </Box>
      <Typography variant="overline" component="div">
        Quota
      </Typography>
      {quota.length > 0 ? (
        <Table size="small" aria-label="Quota">
          <TableBody>
            {quota.map(([resource, hard]) => (
              <TableRow key={resource}>
                <TableCell component="th" scope="row">
                  {quotaLabel(resource)}
                </TableCell>
                <TableCell>{hard}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2">No quota.</Typography>
      )}
      <Box mt={2}>
        <Typography variant="body2">
          Pod Security: enforce <code>{tier.podSecurity.enforce}</code>, warn{' '}
          <code>{tier.podSecurity.warn}</code>.{' '}
          {tier.networkPolicy
            ? 'Only pods in the namespace itself can reach its pods.'
            : 'No network isolation.'}
        </Typography>
        {tier.limitRange.default && (
          <Typography variant="body2">
            Containers without limits get{' '}
            {Object.entries(tier.limitRange.default)
              .map(([resource, value]) => `${resource} ${value}`)
              .join(', ')}
            .
          </Typography>
        )}
      </Box>
    </InfoCard>
  );
};
