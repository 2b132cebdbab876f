import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ManagedNamespace,
  NamespaceMember,
} from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { formatDay } from '../../lib/dates';

/**
 * Backstage's theme cuts a dense list item's text to one line with an
 * ellipsis: on a phone who added a member, and when, was cut after a few
 * words. It wraps, and long names break anywhere.
 */
const TEXT_STYLE = {
  whiteSpace: 'normal',
  overflowWrap: 'anywhere',
  minWidth: 0,
} as const;

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
        // Flush with the dialog's text: gutters took 32 px from a phone.
        <ListItem key={member.user} disableGutters>
          <ListItemText
            style={TEXT_STYLE}
            primary={<EntityRefLink entityRef={member.user} hideIcon />}
            secondary={howIn(member)}
          />
          {canManage && member.source === 'extra' && (
            // Beside the text, not over it as a secondary action would be:
            // that one reserved 48 px for a 64 px button, and long lines
            // ran under it.
            <Button
              size="small"
              color="secondary"
              onClick={() => onRemove(member.user)}
              disabled={busy}
              aria-label={`Remove ${member.user}`}
              style={{ flexShrink: 0, marginLeft: 8 }}
            >
              Remove
            </Button>
          )}
        </ListItem>
      ))}
    </List>
  );
};
