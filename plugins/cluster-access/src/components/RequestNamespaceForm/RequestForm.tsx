import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { SubmitError } from '../SubmitError';
import { RequestFields } from './RequestFields';
import { TierSummary } from './TierSummary';
import { RequestFormOptions, useRequestForm } from './useRequestForm';

/**
 * The request form, with what the chosen tier gives beside it. It offers
 * only the owners, tiers and clusters the backend says the user may request;
 * the backend checks again when it is sent, and a refusal (the policy may
 * have changed) shows under the form with its reason.
 */
export const RequestForm = (props: RequestFormOptions) => {
  const { groups } = props;
  const form = useRequestForm(props);
  const { tier } = form.choice;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard title="Your request">
          <RequestFields form={form} groups={groups} />
          <SubmitError error={form.error} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        {tier && <TierSummary tier={tier} />}
      </Grid>
    </Grid>
  );
};
