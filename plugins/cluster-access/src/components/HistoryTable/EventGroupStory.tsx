import { useState } from 'react';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { formatDate } from '../../lib/dates';
import { EventSentence } from './EventSentence';

const isStep = (event: HistoryEvent) => event.type === 'provisioning.step';

/** One line of a story: the sentence and, quietly, when it happened. */
const Line = (props: { event: HistoryEvent }) => (
  <Box component="li" mb={0.5}>
    <Typography variant="body2" component="span">
      <EventSentence event={props.event} />
    </Typography>{' '}
    <Typography variant="caption" color="textSecondary" component="span">
      {formatDate(props.event.createdAt)}
    </Typography>
  </Box>
);

/**
 * A request's events as sentences, oldest first. The provisioning steps
 * (one per Kubernetes object) fold into one line that opens on demand.
 */
export const EventGroupStory = (props: { events: HistoryEvent[] }) => {
  const { events } = props;
  const [showSteps, setShowSteps] = useState(false);
  const steps = events.filter(isStep);
  const firstStep = events.findIndex(isStep);
  return (
    <Box component="ul" m={0} pl={2}>
      {events.map((event, index) => {
        if (!isStep(event)) return <Line key={event.id} event={event} />;
        if (showSteps) return <Line key={event.id} event={event} />;
        if (index !== firstStep) return null;
        return (
          <Box component="li" key="steps" mb={0.5}>
            <Typography variant="body2" component="span">
              Applied {steps.length} Kubernetes object
              {steps.length === 1 ? '' : 's'}{' '}
              <Link
                component="button"
                variant="body2"
                onClick={() => setShowSteps(true)}
              >
                show them
              </Link>
            </Typography>
          </Box>
        );
      })}
    </Box>
  );
};
