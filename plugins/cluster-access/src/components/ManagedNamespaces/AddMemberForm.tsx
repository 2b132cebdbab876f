import { FormEvent } from 'react';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { isSameEntityRef, toUserEntityRef } from '../../lib/entityRefs';
import { UserPicker } from './UserPicker';

/**
 * A user to add as an extra member, checked while it is typed: a user name
 * or User entity ref of someone without access yet.
 */
export const AddMemberForm = (props: {
  namespace: ManagedNamespace;
  value: string;
  onChange: (value: string) => void;
  busy: boolean;
  onAdd: (userRef: string) => void;
}) => {
  const { namespace, value, onChange, busy, onAdd } = props;
  const userRef = toUserEntityRef(value);
  const already =
    !!userRef && namespace.members.some(m => isSameEntityRef(m.user, userRef));
  let problem: string | undefined;
  if (value.trim() && !userRef) {
    problem =
      'Enter a user name (bob) or a User entity ref (user:default/bob).';
  } else if (already) {
    problem = 'Already has access.';
  }

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!userRef || already) return;
    onAdd(userRef);
  };

  return (
    <form onSubmit={add} aria-label="Add a member">
      <Box mt={2} display="flex" alignItems="flex-start" style={{ gap: 8 }}>
        <UserPicker
          value={value}
          onChange={onChange}
          exclude={namespace.members.map(m => m.user)}
          problem={problem}
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
  );
};
