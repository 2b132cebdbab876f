import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import WarningIcon from '@material-ui/icons/Warning';

/** Members shown in a row before "+N more". */
const MEMBERS_SHOWN = 5;

/**
 * A row's members as chips (extra members outlined), and a warning when
 * bindings made with kubectl let outsiders in.
 */
export const MemberChips = (props: {
  namespace: ManagedNamespace;
  outsiders?: number;
}) => {
  const { namespace, outsiders } = props;
  const { members } = namespace;
  return (
    <Box display="flex" flexWrap="wrap" maxWidth={240}>
      {members.slice(0, MEMBERS_SHOWN).map(m => (
        <Chip
          key={m.user}
          size="small"
          label={m.username}
          variant={m.source === 'extra' ? 'outlined' : 'default'}
          style={{ margin: 2 }}
        />
      ))}
      {members.length > MEMBERS_SHOWN && (
        <Typography variant="caption" style={{ margin: 4 }}>
          +{members.length - MEMBERS_SHOWN} more
        </Typography>
      )}
      {!!outsiders && (
        <Chip
          size="small"
          icon={<WarningIcon />}
          label={`Outsider access (${outsiders})`}
          title="RoleBindings made with kubectl let in people who are neither members nor extra members; see Members"
          style={{ margin: 2 }}
        />
      )}
    </Box>
  );
};
