import { useState } from 'react';
import {
  ManagedNamespace,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { changesNamespaces } from '../../hooks/useClusterAccessSignals';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { namespaceKey } from '../../lib/namespaces';
import { firstLoadView } from '../AsyncContent';
import { DecommissionDialog } from './DecommissionDialog';
import { DeletionFiled } from './DeletionFiled';
import { MembersDialog } from './MembersDialog';
import { NamespacesTable } from './NamespacesTable';
import { ScopeBar } from './ScopeBar';
import { useNamespaceScope } from './useNamespaceScope';
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
  const scoping = useNamespaceScope();
  const { scope, only } = scoping;
  const namespaces = useClusterAccessApi(
    async api => {
      if (!user) return [];
      const listed = await api.listNamespaces(
        scope === 'mine' ? { user: user.userEntityRef } : {},
      );
      return listed.filter(ns => !only || keyOf(ns) === only);
    },
    [user, scope, only],
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

  const waiting = firstLoadView({
    states: [currentUser, namespaces],
    deniedWhat: 'see namespaces',
  });
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
        <ScopeBar {...scoping} />
      </Grid>
      {filed && (
        <DeletionFiled request={filed} onClose={() => setFiled(undefined)} />
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
