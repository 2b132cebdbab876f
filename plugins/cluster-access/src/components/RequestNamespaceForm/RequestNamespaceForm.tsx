import { FormEvent, useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  clusterAccessRequestCreatePermission,
  matchesNamingPattern,
  NamespaceClusterInfo,
  namespaceNamePart,
  namespaceNameProblems,
  NamespaceRequest,
  renderNamingPattern,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useLocation } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useInterval from 'react-use/esm/useInterval';
import { clusterAccessApiRef } from '../../api';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { entityRefName, isSameEntityRef } from '../../lib/entityRefs';
import { describeNamespaceError } from '../../lib/errors';
import { RequestStatusChip } from '../RequestStatusChip';

/**
 * What `{suffix}` is pre-filled with, so that the suggested name is valid
 * from the start; the helper text asks the user to replace it.
 */
export const SUGGESTED_SUFFIX = 'app';

const MAX_REASON_LENGTH = 2000;

/** A Group the user may request a namespace for. */
interface GroupOption {
  ref: string;
  label: string;
}

/**
 * The Groups' titles from the catalog, in one batched read. Titles are a
 * nicety: without a catalog API, or when it fails, the entity names are used.
 */
function useGroupOptions(groups: string[]): GroupOption[] {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!catalogApi || groups.length === 0) return undefined;
    try {
      const { items } = await catalogApi.getEntitiesByRefs({
        entityRefs: groups,
        fields: ['kind', 'metadata.name', 'metadata.title', 'spec.profile'],
      });
      return items.map(entity => {
        const profile = entity?.spec?.profile as
          | { displayName?: string }
          | undefined;
        return entity?.metadata.title ?? profile?.displayName;
      });
    } catch {
      return undefined;
    }
  }, [catalogApi, groups.join(',')]);
  return groups.map((ref, i) => {
    const name = entityRefName(ref);
    const title = value?.[i];
    return {
      ref,
      label: title && title !== name ? `${title} (${name})` : name,
    };
  });
}

/** Whether namespaces of a tier can be made on a cluster. */
function offers(tier: TierInfo, cluster: NamespaceClusterInfo): boolean {
  return tier.clusters.includes(cluster.name) && cluster.provisioning;
}

/** The tier's rules and quota, so the user knows what they ask for. */
const TierSummary = (props: { tier: TierInfo }) => {
  const { tier } = props;
  const quota = Object.entries(tier.resourceQuota);
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
                  {resource}
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

/** How often a request being provisioned is read again. */
const FOLLOW_INTERVAL_MS = 2000;

/** The request just filed, with its status and where to follow it. */
const CreatedRequest = (props: {
  request: NamespaceRequest;
  onAnother: () => void;
}) => {
  const api = useApi(clusterAccessApiRef);
  const requestsLink = usePageTabLink('requests');
  const [version, setVersion] = useState(0);
  // The first render shows the answer to the POST; Refresh reads it again.
  const current = useAsync(
    async () =>
      version === 0 ? props.request : api.getRequest({ id: props.request.id }),
    [api, props.request, version],
  );
  const request = current.value ?? props.request;
  // While the backend is making the namespace, follow it without a click;
  // a request waiting for an approver can wait for hours, so that one is not
  // polled.
  const inProgress =
    request.status === 'approved' || request.status === 'provisioning';
  useInterval(
    () => setVersion(v => v + 1),
    inProgress && !current.loading ? FOLLOW_INTERVAL_MS : null,
  );
  return (
    <InfoCard title="Request filed">
      <Alert severity="success">
        You asked for namespace <strong>{request.namespace}</strong> on{' '}
        <strong>{request.cluster}</strong>.
      </Alert>
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="body2">Status:</Typography>
        <RequestStatusChip status={request.status} />
      </Box>
      <Box mt={1}>
        <Typography variant="body2">
          {request.status === 'pending'
            ? 'An approver has to approve it before the namespace is made.'
            : 'The namespace is made in the background; it is ready when the status says so.'}
        </Typography>
        {request.error && (
          <Typography variant="body2" color="error">
            {request.error}
          </Typography>
        )}
      </Box>
      {current.error && (
        <Box mt={2}>
          <ResponseErrorPanel
            error={current.error}
            title={describeNamespaceError(current.error)}
          />
        </Box>
      )}
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Button
          variant="outlined"
          onClick={() => setVersion(v => v + 1)}
          disabled={current.loading}
        >
          Refresh status
        </Button>
        <Button onClick={props.onAnother}>Request another namespace</Button>
        {requestsLink && <Link to={requestsLink}>See all your requests</Link>}
      </Box>
    </InfoCard>
  );
};

const Form = (props: {
  tiers: TierInfo[];
  clusters: NamespaceClusterInfo[];
  groups: string[];
  presetOwner?: string;
  onCreated: (request: NamespaceRequest) => void;
}) => {
  const { tiers, clusters, groups, onCreated } = props;
  const api = useApi(clusterAccessApiRef);
  const permission = usePermission({
    permission: clusterAccessRequestCreatePermission,
  });
  const groupOptions = useGroupOptions(groups);

  const [owner, setOwner] = useState(
    () =>
      groups.find(
        g => props.presetOwner && isSameEntityRef(g, props.presetOwner),
      ) ?? (groups.length === 1 ? groups[0] : ''),
  );
  const [tierName, setTierName] = useState(tiers[0]?.name ?? '');
  const tier = tiers.find(t => t.name === tierName);
  const tierClusters = tier
    ? clusters.filter(c => tier.clusters.includes(c.name))
    : [];
  const [clusterChoice, setClusterChoice] = useState<string>();
  // A cluster stays chosen while the tier offers it; otherwise the first one
  // the tier can be made on is.
  const cluster =
    tier && tierClusters.some(c => c.name === clusterChoice && offers(tier, c))
      ? clusterChoice!
      : tierClusters.find(c => tier && offers(tier, c))?.name ?? '';

  const group = owner ? namespaceNamePart(entityRefName(owner)) : '';
  const suggestion =
    tier && group
      ? renderNamingPattern({
          pattern: tier.namingPattern,
          group,
          tier: tier.name,
          suffix: SUGGESTED_SUFFIX,
        })
      : '';
  // Follows owner and tier until the user types a name of their own.
  const [typedName, setTypedName] = useState<string>();
  const name = typedName ?? suggestion;
  const [reason, setReason] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error>();

  const nameProblems = namespaceNameProblems(name);
  if (
    nameProblems.length === 0 &&
    tier &&
    group &&
    !matchesNamingPattern({
      name,
      pattern: tier.namingPattern,
      group,
      tier: tier.name,
    })
  ) {
    nameProblems.push(
      `must follow the ${tier.title} tier's naming rule ${
        tier.namingPattern
      }, e.g. ${renderNamingPattern({
        pattern: tier.namingPattern,
        group,
        tier: tier.name,
        suffix: 'api',
      })}`,
    );
  }
  const showNameProblems = name.length > 0 || typedName !== undefined;
  const reasonTooLong = reason.trim().length > MAX_REASON_LENGTH;

  const denied = !permission.loading && !permission.allowed;
  const complete =
    owner &&
    tier &&
    cluster &&
    nameProblems.length === 0 &&
    reason.trim() &&
    !reasonTooLong;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!complete || !tier) return;
    setSubmitting(true);
    setError(undefined);
    try {
      const request = await api.createRequest({
        owner,
        tier: tier.name,
        cluster,
        namespace: name,
        reason: reason.trim(),
      });
      onCreated(request);
    } catch (e) {
      setError(e as Error);
    } finally {
      setSubmitting(false);
    }
  };

  const namingHelp = tier
    ? `Naming rule: ${tier.namingPattern}${
        tier.namingPattern.includes('{suffix}')
          ? `; replace "${SUGGESTED_SUFFIX}" with what the namespace is for`
          : ''
      }.`
    : '';

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
          <form onSubmit={submit} aria-label="Request a namespace">
            <TextField
              select
              fullWidth
              margin="normal"
              id="cluster-access-owner"
              label="Owner group"
              value={owner}
              onChange={e => setOwner(e.target.value)}
              SelectProps={{ native: true }}
              helperText="The namespace belongs to this Group; its members get access."
              disabled={submitting}
            >
              <option value="" disabled>
                Choose a Group
              </option>
              {groupOptions.map(option => (
                <option key={option.ref} value={option.ref}>
                  {option.label}
                </option>
              ))}
            </TextField>
            <TextField
              select
              fullWidth
              margin="normal"
              id="cluster-access-tier"
              label="Tier"
              value={tierName}
              onChange={e => setTierName(e.target.value)}
              SelectProps={{ native: true }}
              disabled={submitting}
            >
              {tiers.map(t => (
                <option key={t.name} value={t.name}>
                  {t.title} ({t.name}):{' '}
                  {t.approval === 'required'
                    ? 'needs an approval'
                    : 'approved at once'}
                </option>
              ))}
            </TextField>
            <TextField
              select
              fullWidth
              margin="normal"
              id="cluster-access-cluster"
              label="Cluster"
              value={cluster}
              onChange={e => setClusterChoice(e.target.value)}
              SelectProps={{ native: true }}
              helperText={
                tier && !cluster
                  ? `No cluster can make ${tier.title} namespaces right now.`
                  : undefined
              }
              error={!!tier && !cluster}
              disabled={submitting}
            >
              {!cluster && <option value="" disabled />}
              {tierClusters.map(c => (
                <option
                  key={c.name}
                  value={c.name}
                  disabled={!tier || !offers(tier, c)}
                >
                  {c.title ?? c.name}
                  {c.provisioning ? '' : ' (namespaces cannot be made here)'}
                </option>
              ))}
            </TextField>
            <TextField
              fullWidth
              margin="normal"
              id="cluster-access-namespace"
              label="Namespace name"
              value={name}
              onChange={e => setTypedName(e.target.value)}
              error={showNameProblems && nameProblems.length > 0}
              helperText={
                showNameProblems && nameProblems.length > 0
                  ? `The name ${nameProblems.join('; ')}.`
                  : namingHelp
              }
              inputProps={{ spellCheck: false, autoComplete: 'off' }}
              disabled={submitting}
            />
            <TextField
              fullWidth
              multiline
              minRows={2}
              margin="normal"
              id="cluster-access-reason"
              label="Reason"
              value={reason}
              onChange={e => setReason(e.target.value)}
              error={reasonTooLong}
              helperText={
                reasonTooLong
                  ? `At most ${MAX_REASON_LENGTH} characters.`
                  : 'What the namespace is for; approvers read this.'
              }
              disabled={submitting}
            />
            <Box mt={2}>
              <Button
                type="submit"
                variant="contained"
                color="primary"
                disabled={
                  !complete ||
                  submitting ||
                  permission.loading ||
                  !permission.allowed
                }
              >
                Request namespace
              </Button>
            </Box>
          </form>
          {denied && (
            <Box mt={2}>
              <Alert severity="info">
                You do not have permission to request namespaces on this portal.
              </Alert>
            </Box>
          )}
          {error && (
            <Box mt={2}>
              <ResponseErrorPanel
                error={error}
                title={describeNamespaceError(error)}
              />
            </Box>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        {tier && <TierSummary tier={tier} />}
      </Grid>
    </Grid>
  );
};

/**
 * The "Request namespace" tab: owner Group (one of the user's), tier,
 * cluster, a name checked against the DNS-1123 and naming rules while it is
 * typed, and a reason; then the request that was filed and its status.
 * A `?owner=<group ref>` query pre-selects the Group (the Group card links
 * here so).
 */
export const RequestNamespaceForm = () => {
  const api = useApi(clusterAccessApiRef);
  const location = useLocation();
  const presetOwner =
    new URLSearchParams(location.search).get('owner') ?? undefined;
  const currentUser = useCurrentUser();
  const options = useAsync(async () => {
    const [tiers, clusters] = await Promise.all([
      api.listTiers(),
      api.listClusters(),
    ]);
    return { tiers, clusters };
  }, [api]);
  const [created, setCreated] = useState<NamespaceRequest>();
  // A new key gives a fresh form after "Request another".
  const [formKey, setFormKey] = useState(0);

  if (options.loading || currentUser.loading) return <Progress />;
  const error = options.error ?? currentUser.error;
  if (error) {
    return (
      <ResponseErrorPanel error={error} title={describeNamespaceError(error)} />
    );
  }
  if (created) {
    return (
      <CreatedRequest
        request={created}
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
  return (
    <Form
      key={formKey}
      tiers={options.value.tiers}
      clusters={options.value.clusters}
      groups={currentUser.user?.groups ?? []}
      presetOwner={presetOwner}
      onCreated={setCreated}
    />
  );
};
