import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { formatDate } from '../../lib/dates';
import { AsyncContent } from '../AsyncContent';
import { EventSentence } from './EventSentence';

const RECENT = 5;

/**
 * The last few things someone did, as sentences, with a link to the rest in
 * the History tab (narrowed to them).
 */
export const RecentEvents = (props: { actor: string; emptyText: string }) => {
  const { actor, emptyText } = props;
  const events = useClusterAccessApi(
    api => api.listHistory({ actor, limit: RECENT }),
    [actor],
  );
  const historyLink = usePageTabLink('history', { actor });
  return (
    <AsyncContent state={events} deniedWhat="see the history">
      {items => (
        <>
          {items.length === 0 && (
            <Typography variant="body2" color="textSecondary">
              {emptyText}
            </Typography>
          )}
          <Box component="ul" m={0} pl={2} aria-label="Recent activity">
            {items.map(event => (
              <Box component="li" key={event.id} mb={0.5}>
                <Typography variant="body2" component="span">
                  <EventSentence event={event} />
                </Typography>{' '}
                <Typography variant="caption" color="textSecondary">
                  {formatDate(event.createdAt)}
                </Typography>
              </Box>
            ))}
          </Box>
          {historyLink && items.length > 0 && (
            <Box mt={1}>
              <Link to={historyLink}>All of it in the History →</Link>
            </Box>
          )}
        </>
      )}
    </AsyncContent>
  );
};
