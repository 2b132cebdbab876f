import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { SubmitError } from '../SubmitError';
import { RequestFields } from './RequestFields';
import { TierSummary } from './TierSummary';
import { RequestFormOptions, useRequestForm } from './useRequestForm';

/**
 * The request form, with what the chosen tier gives beside it. Whether the
 * policy allows the request can depend on its tier, cluster and owner
 * (`cluster-access.request.create` is a resource permission), so it is known
 * only once it is sent: a refusal shows under the form with its reason.
 */
export const RequestForm = (props: RequestFormOptions) => {
  const { tiers, groups } = props;
  const form = useRequestForm(props);
  const { tier } = form.choice;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title="Request a namespace">
          {groups.length === 0 && (
            <Box mb={2}>
              <Alert severity="warning">
                Namespaces belong to Groups, and you are not a member of any
                Group in the catalog. Ask to be added to your team's Group
                first.
              </Alert>
            </Box>
          )}
          <RequestFields form={form} tiers={tiers} groups={groups} />
          <SubmitError error={form.error} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        {tier && <TierSummary tier={tier} />}
      </Grid>
    </Grid>
  );
};
