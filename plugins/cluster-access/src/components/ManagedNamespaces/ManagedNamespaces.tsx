import { FormEvent, useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  clusterAccessNamespaceDeletePermission,
  clusterAccessNamespaceMembersManagePermission,
  ManagedNamespace,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import Autocomplete from '@material-ui/lab/Autocomplete';
import WarningIcon from '@material-ui/icons/Warning';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { clusterAccessApiRef } from '../../api';
import { CurrentUser, useCurrentUser } from '../../hooks/useCurrentUser';
import { isSameEntityRef, toUserEntityRef } from '../../lib/entityRefs';
import { describeNamespaceError } from '../../lib/errors';
import { formatDay } from '../NamespaceAccess/accessLines';
import { QuotaUsageBars } from '../QuotaUsageBars';
import { KubectlBindings } from './KubectlBindings';
import { RequestStatusChip } from '../RequestStatusChip';

type Scope = 'mine' | 'all';

/** Members shown in a row before "+N more". */
const MEMBERS_SHOWN = 5;

const MAX_REASON_LENGTH = 2000;

const keyOf = (ns: ManagedNamespace) => `${ns.cluster}/${ns.name}`;

/**
 * Whether the user may change a namespace: the backend allows it to members
 * of the owner Group that hold the permission.
 */
function inOwnerGroup(ns: ManagedNamespace, user?: CurrentUser): boolean {
  return !!user?.groups.some(group => isSameEntityRef(group, ns.owner));
}

/** A User from the catalog, as offered by the member picker. */
type UserOption = { ref: string; displayName: string };

/** How long typing must pause before the catalog is searched. */
const USER_SEARCH_DEBOUNCE_MS = 250;

const USER_SEARCH_LIMIT = 20;

function toUserOption(entity: Entity): UserOption {
  const profile = entity.spec?.profile as { displayName?: string } | undefined;
  return {
    ref: stringifyEntityRef(entity),
    displayName:
      profile?.displayName || entity.metadata.title || entity.metadata.name,
  };
}

/**
 * Picks a User from the catalog as one types. Free text stays allowed, so a
 * full ref can still be typed when the catalog search finds nothing.
 */
const UserPicker = (props: {
  value: string;
  onChange: (value: string) => void;
  problem?: string;
  disabled: boolean;
}) => {
  const { value, onChange, problem, disabled } = props;
  const catalogApi = useApi(catalogApiRef);
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(value.trim()), USER_SEARCH_DEBOUNCE_MS, [value]);

  const search = useAsync(async (): Promise<UserOption[]> => {
    if (!term) return [];
    const { items } = await catalogApi.queryEntities({
      filter: { kind: 'User' },
      fullTextFilter: {
        term,
        fields: ['metadata.name', 'spec.profile.displayName'],
      },
      limit: USER_SEARCH_LIMIT,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.map(toUserOption);
  }, [catalogApi, term]);

  return (
    <Autocomplete<UserOption, false, false, true>
      freeSolo
      fullWidth
      id="cluster-access-member"
      options={search.value ?? []}
      loading={search.loading}
      // The catalog already filtered by the term.
      filterOptions={options => options}
      getOptionLabel={option =>
        typeof option === 'string' ? option : option.ref
      }
      renderOption={option => (
        <ListItemText primary={option.displayName} secondary={option.ref} />
      )}
      // The typed text is the state; a picked option fills in its ref.
      value={null}
      inputValue={value}
      onInputChange={(_event, text) => onChange(text)}
      onChange={(_event, option) => {
        if (option) onChange(typeof option === 'string' ? option : option.ref);
      }}
      disabled={disabled}
      renderInput={params => (
        <TextField
          {...params}
          label="Add a user"
          placeholder="Search by name, or type user:default/bob"
          error={!!problem}
          helperText={
            problem ??
            (search.error
              ? 'Could not search the catalog; type a user name or ref.'
              : undefined)
          }
        />
      )}
    />
  );
};

/** Who has access, with Remove for extra members and a field to add one. */
const MembersDialog = (props: {
  namespace: ManagedNamespace;
  canManage: boolean;
  onChanged: () => void;
  onClose: () => void;
}) => {
  const { namespace, canManage, onChanged, onClose } = props;
  const api = useApi(clusterAccessApiRef);
  const [user, setUser] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [notice, setNotice] = useState<string>();

  const userRef = toUserEntityRef(user);
  const already =
    !!userRef && namespace.members.some(m => isSameEntityRef(m.user, userRef));
  let userProblem: string | undefined;
  if (user.trim() && !userRef) {
    userProblem =
      'Enter a user name (bob) or a User entity ref (user:default/bob).';
  } else if (already) {
    userProblem = 'Already has access.';
  }

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await action());
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!userRef || already) return;
    run(async () => {
      const added = await api.addMember({
        cluster: namespace.cluster,
        name: namespace.name,
        user: userRef,
      });
      setUser('');
      return added.applied
        ? `${added.user} has access now.`
        : `${added.user} was added; the cluster could not be reached, so access is granted on the next reconcile.`;
    });
  };

  const remove = (member: string) =>
    run(async () => {
      const removed = await api.removeMember({
        cluster: namespace.cluster,
        name: namespace.name,
        user: member,
      });
      return removed.applied
        ? `${member} no longer has access.`
        : `${member} was removed; the cluster could not be reached, so access is revoked on the next reconcile.`;
    });

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm">
      <DialogTitle>Members of {namespace.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Members of <EntityRefLink entityRef={namespace.owner} hideIcon /> have
          access through the Group and are managed in the catalog. Extra members
          can be added here.
        </DialogContentText>
        <List dense aria-label="Members">
          {namespace.members.map(member => (
            <ListItem key={member.user}>
              <ListItemText
                primary={<EntityRefLink entityRef={member.user} hideIcon />}
                secondary={
                  member.source === 'group' ? (
                    `${member.username} · through the Group`
                  ) : (
                    <>
                      {member.username} · extra member
                      {member.addedBy && (
                        <>
                          , added by{' '}
                          <EntityRefLink entityRef={member.addedBy} hideIcon />
                          {member.addedAt && ` on ${formatDay(member.addedAt)}`}
                        </>
                      )}
                      {member.expiresAt &&
                        ` · access ends ${formatDay(member.expiresAt)}`}
                    </>
                  )
                }
              />
              {canManage && member.source === 'extra' && (
                <ListItemSecondaryAction>
                  <Button
                    size="small"
                    color="secondary"
                    onClick={() => remove(member.user)}
                    disabled={busy}
                    aria-label={`Remove ${member.user}`}
                  >
                    Remove
                  </Button>
                </ListItemSecondaryAction>
              )}
            </ListItem>
          ))}
        </List>
        <KubectlBindings namespace={namespace} />
        {canManage && (
          <form onSubmit={add} aria-label="Add a member">
            <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
              <UserPicker
                value={user}
                onChange={setUser}
                problem={userProblem}
                disabled={busy}
              />
              <Button
                type="submit"
                variant="outlined"
                color="primary"
                disabled={busy || !userRef || already}
                style={{ marginTop: 12 }}
              >
                Add
              </Button>
            </Box>
          </form>
        )}
        {notice && (
          <Box mt={2}>
            <Alert severity="success">{notice}</Alert>
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
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/** Asks for confirmation, explaining that an approver still has to agree. */
const DecommissionDialog = (props: {
  namespace: ManagedNamespace;
  onClose: () => void;
  onFiled: (request: NamespaceRequest) => void;
}) => {
  const { namespace, onClose, onFiled } = props;
  const api = useApi(clusterAccessApiRef);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const tooLong = reason.trim().length > MAX_REASON_LENGTH;

  const file = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onFiled(
        await api.decommissionNamespace({
          cluster: namespace.cluster,
          name: namespace.name,
          reason: reason.trim() || undefined,
        }),
      );
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm">
      <DialogTitle>Decommission {namespace.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This asks for namespace <code>{namespace.name}</code> on{' '}
          {namespace.cluster} to be deleted. Nothing happens until an approver
          approves the request; then the namespace and everything in it
          (workloads, volumes, secrets) is deleted, and that cannot be undone.
        </DialogContentText>
        <TextField
          fullWidth
          multiline
          minRows={2}
          id="cluster-access-decommission-reason"
          label="Reason (optional)"
          value={reason}
          onChange={e => setReason(e.target.value)}
          error={tooLong}
          helperText={
            tooLong ? `At most ${MAX_REASON_LENGTH} characters.` : undefined
          }
          disabled={busy}
        />
        {error && (
          <Box mt={2}>
            <ResponseErrorPanel
              error={error}
              title={describeNamespaceError(error)}
            />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button onClick={file} color="secondary" disabled={busy || tooLong}>
          Ask for deletion
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * The "Namespaces" tab: managed namespaces (the user's, or all of them)
 * with owner, tier, cluster, status, members and quota usage; members of
 * the owner Group manage extra members and ask for decommissioning, when
 * their permissions allow.
 */
export const ManagedNamespaces = () => {
  const api = useApi(clusterAccessApiRef);
  const currentUser = useCurrentUser();
  const user = currentUser.user;
  const [scope, setScope] = useState<Scope>('mine');
  const [version, setVersion] = useState(0);
  const namespaces = useAsync(async () => {
    if (!user) return [];
    return api.listNamespaces(
      scope === 'mine' ? { user: user.userEntityRef } : {},
    );
  }, [api, user, scope, version]);
  // Namespaces with bindings for outsiders, to mark their rows; the table
  // still shows when this cannot be read.
  const flagged = useAsync(async () => {
    const entries = await api.listAccess({ flagged: true });
    const counts = new Map<string, number>();
    for (const e of entries) {
      const key = `${e.cluster}/${e.namespace}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }, [api, version]);
  const managePermission = usePermission({
    permission: clusterAccessNamespaceMembersManagePermission,
  });
  const deletePermission = usePermission({
    permission: clusterAccessNamespaceDeletePermission,
  });
  // By key, so that the dialog shows the reloaded namespace after a change.
  const [membersOf, setMembersOf] = useState<string>();
  const [decommissioning, setDecommissioning] = useState<ManagedNamespace>();
  const [filed, setFiled] = useState<NamespaceRequest>();

  if (currentUser.loading || (namespaces.loading && !namespaces.value)) {
    return <Progress />;
  }
  const error = currentUser.error ?? namespaces.error;
  if (error) {
    return (
      <ResponseErrorPanel error={error} title={describeNamespaceError(error)} />
    );
  }

  const items = namespaces.value ?? [];
  const canManage = (ns: ManagedNamespace) =>
    managePermission.allowed && inOwnerGroup(ns, user);
  const canDecommission = (ns: ManagedNamespace) =>
    deletePermission.allowed &&
    inOwnerGroup(ns, user) &&
    !ns.pendingDecommissionRequestId &&
    ns.status !== 'decommissioning';
  const membersNamespace = items.find(ns => keyOf(ns) === membersOf);

  const columns: TableColumn<ManagedNamespace>[] = [
    {
      // The cluster under the name keeps the table narrow enough for the
      // quota bars and actions.
      title: 'Namespace / cluster',
      field: 'name',
      customFilterAndSearch: (term: string, ns: ManagedNamespace) =>
        `${ns.name} ${ns.cluster}`.includes(term.toLocaleLowerCase('en-US')),
      render: ns => (
        <>
          <code>{ns.name}</code>
          <Typography variant="caption" component="div">
            {ns.cluster}
          </Typography>
        </>
      ),
    },
    {
      title: 'Owner',
      field: 'owner',
      render: ns => <EntityRefLink entityRef={ns.owner} hideIcon />,
    },
    { title: 'Tier', field: 'tier' },
    {
      title: 'Status',
      field: 'status',
      render: ns => (
        <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
          <RequestStatusChip status={ns.status} />
          {ns.pendingDecommissionRequestId && (
            <Chip size="small" variant="outlined" label="Deletion requested" />
          )}
        </Box>
      ),
    },
    {
      title: 'Members',
      sorting: false,
      render: ns => (
        <Box display="flex" flexWrap="wrap" maxWidth={240}>
          {ns.members.slice(0, MEMBERS_SHOWN).map(m => (
            <Chip
              key={m.user}
              size="small"
              label={m.username}
              variant={m.source === 'extra' ? 'outlined' : 'default'}
              style={{ margin: 2 }}
            />
          ))}
          {ns.members.length > MEMBERS_SHOWN && (
            <Typography variant="caption" style={{ margin: 4 }}>
              +{ns.members.length - MEMBERS_SHOWN} more
            </Typography>
          )}
          {!!flagged.value?.get(keyOf(ns)) && (
            <Chip
              size="small"
              icon={<WarningIcon />}
              label={`Outsider access (${flagged.value.get(keyOf(ns))})`}
              title="RoleBindings made with kubectl let in people who are neither members nor extra members; see Members"
              style={{ margin: 2 }}
            />
          )}
        </Box>
      ),
    },
    {
      title: 'Quota',
      sorting: false,
      render: ns => (
        <QuotaUsageBars quota={ns.quota} quotaError={ns.quotaError} />
      ),
    },
    {
      title: 'Actions',
      sorting: false,
      render: ns => (
        <Box display="flex" flexDirection="column" alignItems="flex-start">
          <Button
            size="small"
            style={{ whiteSpace: 'nowrap' }}
            onClick={() => setMembersOf(keyOf(ns))}
            aria-label={`Members of ${ns.name}`}
          >
            Members
          </Button>
          {canDecommission(ns) && (
            <Button
              size="small"
              color="secondary"
              style={{ whiteSpace: 'nowrap' }}
              onClick={() => {
                setFiled(undefined);
                setDecommissioning(ns);
              }}
              aria-label={`Decommission ${ns.name}`}
            >
              Decommission
            </Button>
          )}
        </Box>
      ),
    },
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ToggleButtonGroup
          exclusive
          size="small"
          value={scope}
          onChange={(_, value: Scope | null) => value && setScope(value)}
          aria-label="Which namespaces"
        >
          <ToggleButton value="mine">Mine</ToggleButton>
          <ToggleButton value="all">All</ToggleButton>
        </ToggleButtonGroup>
      </Grid>
      {filed && (
        <Grid item xs={12}>
          <Alert severity="success" onClose={() => setFiled(undefined)}>
            Deletion of {filed.namespace} requested; it waits for an approver
            (request {filed.id}).
          </Alert>
        </Grid>
      )}
      <Grid item xs={12}>
        <Table<ManagedNamespace>
          title={scope === 'mine' ? 'Your namespaces' : 'All namespaces'}
          options={{
            search: true,
            paging: true,
            pageSize: 10,
            padding: 'dense',
          }}
          columns={columns}
          data={items}
          emptyContent={
            <Box p={2}>
              {scope === 'mine'
                ? 'You have access to no managed namespace yet.'
                : 'No namespace is managed yet.'}
            </Box>
          }
        />
      </Grid>
      {membersNamespace && (
        <MembersDialog
          namespace={membersNamespace}
          canManage={canManage(membersNamespace)}
          onChanged={() => setVersion(v => v + 1)}
          onClose={() => setMembersOf(undefined)}
        />
      )}
      {decommissioning && (
        <DecommissionDialog
          namespace={decommissioning}
          onClose={() => setDecommissioning(undefined)}
          onFiled={request => {
            setDecommissioning(undefined);
            setFiled(request);
            setVersion(v => v + 1);
          }}
        />
      )}
    </Grid>
  );
};
