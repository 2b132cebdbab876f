import { useState } from 'react';
import {
  ManagedNamespace,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { changesNamespaces } from '../../hooks/useClusterAccessSignals';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { namespaceKey } from '../../lib/namespaces';
import { firstLoadView } from '../AsyncContent';
import { DecommissionDialog } from './DecommissionDialog';
import { MembersDialog } from './MembersDialog';
import { NamespacesTable } from './NamespacesTable';
import { Scope, ScopeToggle } from './ScopeToggle';
import { useNamespacePermissions } from './useNamespacePermissions';
import { useOutsiderCounts } from './useOutsiderCounts';

const keyOf = (ns: ManagedNamespace) => namespaceKey(ns.cluster, ns.name);

/**
 * The "Namespaces" tab: managed namespaces (the user's, or all of them)
 * with owner, tier, cluster, status, members and quota usage; members of
 * the owner Group manage extra members and ask for decommissioning, when
 * their permissions allow.
 */
export const ManagedNamespaces = () => {
  const currentUser = useCurrentUser();
  const user = currentUser.user;
  const [scope, setScope] = useState<Scope>('mine');
  const namespaces = useClusterAccessApi(
    async api => {
      if (!user) return [];
      return api.listNamespaces(
        scope === 'mine' ? { user: user.userEntityRef } : {},
      );
    },
    [user, scope],
    { liveOn: changesNamespaces },
  );
  const outsiders = useOutsiderCounts();
  const { canManage, canDecommission } = useNamespacePermissions(
    user,
    namespaces.value ?? [],
  );
  // By key, so that the dialog shows the reloaded namespace after a change.
  const [membersOf, setMembersOf] = useState<string>();
  const [decommissioning, setDecommissioning] = useState<ManagedNamespace>();
  const [filed, setFiled] = useState<NamespaceRequest>();

  const waiting = firstLoadView({ states: [currentUser, namespaces] });
  if (waiting) return waiting;
  const items = namespaces.value ?? [];
  const membersNamespace = items.find(ns => keyOf(ns) === membersOf);
  const reload = () => {
    namespaces.retry();
    outsiders.retry();
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ScopeToggle scope={scope} onChange={setScope} />
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
        <NamespacesTable
          scope={scope}
          namespaces={items}
          outsiders={outsiders.value}
          canDecommission={canDecommission}
          onMembers={ns => setMembersOf(keyOf(ns))}
          onDecommission={ns => {
            setFiled(undefined);
            setDecommissioning(ns);
          }}
        />
      </Grid>
      {membersNamespace && (
        <MembersDialog
          namespace={membersNamespace}
          canManage={canManage(membersNamespace)}
          onChanged={reload}
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
            reload();
          }}
        />
      )}
    </Grid>
  );
};
