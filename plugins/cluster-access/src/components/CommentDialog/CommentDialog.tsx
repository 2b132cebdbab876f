import { ReactNode, useState } from 'react';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useSubmit } from '../../hooks/useSubmit';
import { isReasonTooLong } from '../../lib/limits';
import { PluginDialog } from '../PluginDialog';
import { ReasonField } from '../ReasonField';
import { SubmitError } from '../SubmitError';

/**
 * A confirmation that asks for a comment or reason before it sends: what
 * happens is said above the field, Cancel and the action below it. The
 * dialog cannot be dismissed while it sends.
 */
export const CommentDialog = (props: {
  title: string;
  /** What the action does, in a sentence or two. */
  children: ReactNode;
  field: {
    id: string;
    label: string;
    /** Shown under the field while the text is not too long. */
    hint?: string;
    /** Whether the action needs a comment. */
    required?: boolean;
  };
  action: { label: string; color: 'primary' | 'secondary' };
  /** Sends the trimmed comment (empty when none was given). */
  onSubmit: (comment: string) => Promise<void>;
  onClose: () => void;
}) => {
  const { title, children, field, action, onSubmit, onClose } = props;
  const [comment, setComment] = useState('');
  const { busy, error, run } = useSubmit();
  const trimmed = comment.trim();
  const missing = !!field.required && !trimmed;

  return (
    <PluginDialog onClose={onClose} busy={busy} maxWidth="sm">
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{children}</DialogContentText>
        <ReasonField
          id={field.id}
          label={field.label}
          hint={field.hint}
          value={comment}
          onChange={setComment}
          disabled={busy}
        />
        <SubmitError error={error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={() => run(() => onSubmit(trimmed))}
          color={action.color}
          disabled={busy || missing || isReasonTooLong(comment)}
        >
          {action.label}
        </Button>
      </DialogActions>
    </PluginDialog>
  );
};
