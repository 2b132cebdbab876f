import { useState } from 'react';
import {
  NamespaceRequest,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';
import Alert from '@material-ui/lab/Alert';
import { useLocation } from 'react-router-dom';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { AccessDenied } from '../AccessDenied';
import { firstLoadView } from '../AsyncContent';
import { CreatedRequest } from './CreatedRequest';
import { RequestForm } from './RequestForm';

/**
 * The "Request namespace" tab: owner Group (one of the user's), tier,
 * cluster, a name checked against the DNS-1123 and naming rules while it is
 * typed, and a reason; then the request that was filed and its status.
 * A `?owner=<group ref>` query pre-selects the Group (the Group card links
 * here so).
 */
export const RequestNamespaceForm = () => {
  const location = useLocation();
  const presetOwner =
    new URLSearchParams(location.search).get('owner') ?? undefined;
  const currentUser = useCurrentUser();
  const options = useClusterAccessApi(async api => {
    const [tiers, clusters] = await Promise.all([
      api.listTiers(),
      api.listClusters(),
    ]);
    return { tiers, clusters };
  });
  const [created, setCreated] = useState<NamespaceRequest>();
  // A new key gives a fresh form after "Request another".
  const [formKey, setFormKey] = useState(0);

  // `cluster-access.request.create` is a resource permission decided on the
  // request being filed (a policy may allow dev but not prod, or only some
  // Groups): the backend reports per tier where the user may request, and
  // the form offers only that.
  const waiting = firstLoadView({
    states: [options, currentUser],
    deniedWhat: 'request namespaces',
  });
  if (waiting) return waiting;
  if (created) {
    return (
      <CreatedRequest
        request={created}
        approvers={
          options.value?.tiers.find(t => t.name === created.tier)?.approvers
        }
        onAnother={() => {
          setCreated(undefined);
          setFormKey(k => k + 1);
        }}
      />
    );
  }
  if (!options.value || options.value.tiers.length === 0) {
    return (
      <Alert severity="info">
        No namespace tiers are configured on this portal.
      </Alert>
    );
  }
  const owners = requestableOwners(options.value.tiers);
  if (owners.length === 0) {
    return (
      <AccessDenied
        what="request namespaces"
        lacking={
          currentUser.user?.groups.length === 0
            ? 'Namespaces belong to Groups, and you are not a member of any Group in the catalog.'
            : undefined
        }
      />
    );
  }
  return (
    <RequestForm
      key={formKey}
      tiers={options.value.tiers}
      clusters={options.value.clusters}
      groups={owners}
      presetOwner={presetOwner}
      onCreated={setCreated}
    />
  );
};

/** The Groups the user may request a namespace for anywhere. */
function requestableOwners(tiers: RequestableTier[]): string[] {
  return [...new Set(tiers.flatMap(t => t.requestable.flatMap(r => r.owners)))];
}
