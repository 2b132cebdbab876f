import { Progress } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { formatDate } from '../../lib/dates';
import { describeNamespaceError } from '../../lib/errors';
import { ErrorView } from '../AsyncContent';
import { EventSentence } from '../HistoryTable/EventSentence';

const SENTENCE_STYLE = {
  whiteSpace: 'normal',
  overflowWrap: 'anywhere',
} as const;

/** The public history of one request, oldest first, as a timeline. */
export const RequestHistory = (props: { requestId: string }) => {
  const { value, loading, error } = useClusterAccessApi(
    api => api.listHistory({ request: props.requestId, limit: 100 }),
    [props.requestId],
  );
  if (loading) return <Progress />;
  if (error) {
    // A policy that denies reading the history gets the calm refusal.
    return (
      <ErrorView
        error={error}
        describe={describeNamespaceError}
        deniedWhat="see the history"
      />
    );
  }
  if (!value?.length) {
    return <Typography variant="body2">Nothing recorded yet.</Typography>;
  }
  // The API answers newest first; a request's story reads better in order.
  const events = [...value].reverse();
  return (
    <List dense aria-label="Request history">
      {events.map(event => (
        <ListItem key={event.id} disableGutters>
          <ListItemText
            // The dialog's list items inherit white-space: nowrap: on a
            // phone the sentence ran on past the screen's edge after the
            // namespace's name. It wraps, and long names break anywhere.
            style={SENTENCE_STYLE}
            primary={<EventSentence event={event} />}
            secondary={formatDate(event.createdAt)}
          />
        </ListItem>
      ))}
    </List>
  );
};
