import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { ReasonField } from '../ReasonField';
import { ClusterSelect } from './ClusterSelect';
import { NameField } from './NameField';
import { OwnerSelect } from './OwnerSelect';
import { TierSelect } from './TierSelect';
import { useGroupOptions } from './useGroupOptions';
import { RequestFormState } from './useRequestForm';

/** Owner, tier, cluster, name and reason, and the button that sends them. */
export const RequestFields = (props: {
  form: RequestFormState;
  groups: string[];
}) => {
  const { form, groups } = props;
  const { choice, busy } = form;
  const groupOptions = useGroupOptions(groups);
  return (
    <form onSubmit={form.submit} aria-label="Request a namespace">
      <OwnerSelect
        options={groupOptions}
        value={form.owner}
        onChange={form.setOwner}
        disabled={busy}
      />
      <TierSelect
        tiers={choice.offeredTiers}
        value={choice.tierName}
        onChange={choice.setTierName}
        disabled={busy}
      />
      <ClusterSelect
        tier={choice.tier}
        owner={form.owner}
        clusters={choice.tierClusters}
        value={choice.cluster}
        onChange={choice.setCluster}
        disabled={busy}
      />
      <NameField name={form.name} tier={choice.tier} disabled={busy} />
      <ReasonField
        margin="normal"
        id="cluster-access-reason"
        label="Reason"
        required
        hint="Required: what the namespace is for. Approvers read this."
        value={form.reason}
        onChange={form.setReason}
        disabled={busy}
      />
      <Box mt={2}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={!form.complete || busy}
        >
          Request namespace
        </Button>
      </Box>
    </form>
  );
};
