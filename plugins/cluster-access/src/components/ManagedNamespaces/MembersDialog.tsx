import { ReactNode, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { clusterAccessApiRef } from '../../api';
import { useSubmit } from '../../hooks/useSubmit';
import { PluginDialog } from '../PluginDialog';
import { SubmitError } from '../SubmitError';
import { AddMemberForm } from './AddMemberForm';
import { KubectlBindings } from './KubectlBindings';
import { MemberList } from './MemberList';

/**
 * What a change did, naming the user as the list does (not by the ref the
 * API answers with); `applied` false when the cluster was out of reach.
 */
function changed(user: string, how: 'added' | 'removed', applied: boolean) {
  const who = <EntityRefLink entityRef={user} hideIcon />;
  if (applied) {
    return (
      <>
        {who} {how === 'added' ? 'has access now' : 'no longer has access'}.
      </>
    );
  }
  return (
    <>
      {who} was {how}; the cluster could not be reached, so access is{' '}
      {how === 'added' ? 'granted' : 'revoked'} on the next reconcile.
    </>
  );
}

/** Who has access, with Remove for extra members and a field to add one. */
export const MembersDialog = (props: {
  namespace: ManagedNamespace;
  canManage: boolean;
  onChanged: () => void;
  onClose: () => void;
}) => {
  const { namespace, canManage, onChanged, onClose } = props;
  const { cluster, name } = namespace;
  const api = useApi(clusterAccessApiRef);
  const [user, setUser] = useState('');
  const { busy, error, run } = useSubmit();
  const [notice, setNotice] = useState<ReactNode>();

  /** Runs a change that answers with what to tell the user. */
  const change = (action: () => Promise<ReactNode>) => {
    setNotice(undefined);
    run(async () => {
      setNotice(await action());
      onChanged();
    });
  };

  const add = (userRef: string) =>
    change(async () => {
      const added = await api.addMember({ cluster, name, user: userRef });
      setUser('');
      return changed(added.user, 'added', added.applied);
    });

  const remove = (member: string) =>
    change(async () => {
      const removed = await api.removeMember({ cluster, name, user: member });
      return changed(member, 'removed', removed.applied);
    });

  return (
    <PluginDialog onClose={onClose} busy={busy} maxWidth="sm" fullScreenOnPhone>
      <DialogTitle>Members of {name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Members of <EntityRefLink entityRef={namespace.owner} hideIcon /> have
          access through the Group and are managed in the catalog. Extra members
          can be added here.
        </DialogContentText>
        <MemberList
          namespace={namespace}
          canManage={canManage}
          busy={busy}
          onRemove={remove}
        />
        <KubectlBindings namespace={namespace} />
        {canManage && (
          <AddMemberForm
            namespace={namespace}
            value={user}
            onChange={setUser}
            busy={busy}
            onAdd={add}
          />
        )}
        {notice && (
          <Box mt={2}>
            <Alert severity="success">{notice}</Alert>
          </Box>
        )}
        <SubmitError error={error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Close
        </Button>
      </DialogActions>
    </PluginDialog>
  );
};
