import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ManagedNamespace,
  NamespaceMember,
} from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import { formatDay } from '../../lib/dates';

/** How a member got in: through the Group, or added (by whom, until when). */
function howIn(member: NamespaceMember) {
  if (member.source === 'group') {
    return `${member.username} · through the Group`;
  }
  return (
    <>
      {member.username} · extra member
      {member.addedBy && (
        <>
          , added by <EntityRefLink entityRef={member.addedBy} hideIcon />
          {member.addedAt && ` on ${formatDay(member.addedAt)}`}
        </>
      )}
      {member.expiresAt && ` · access ends ${formatDay(member.expiresAt)}`}
    </>
  );
}

/** Who has access to a namespace, with Remove for extra members. */
export const MemberList = (props: {
  namespace: ManagedNamespace;
  canManage: boolean;
  busy: boolean;
  onRemove: (user: string) => void;
}) => {
  const { namespace, canManage, busy, onRemove } = props;
  return (
    <List dense aria-label="Members">
      {namespace.members.map(member => (
        <ListItem key={member.user}>
          <ListItemText
            primary={<EntityRefLink entityRef={member.user} hideIcon />}
            secondary={howIn(member)}
          />
          {canManage && member.source === 'extra' && (
            <ListItemSecondaryAction>
              <Button
                size="small"
                color="secondary"
                onClick={() => onRemove(member.user)}
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
  );
};
