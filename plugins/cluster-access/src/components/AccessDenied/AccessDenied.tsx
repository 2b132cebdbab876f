import { EmptyState, Link } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';

/** Who to ask, from `clusterAccess.contact`, or `undefined` when unset. */
export function useAccessContact(): { name: string; url?: string } | undefined {
  const config = useApi(configApiRef);
  const contact = config.getOptionalConfig('clusterAccess.contact');
  if (!contact) return undefined;
  return {
    name: contact.getString('name'),
    url: contact.getOptionalString('url'),
  };
}

/** "Ask #platform on Slack", linked when the contact has a link. */
export const AskContact = () => {
  const contact = useAccessContact();
  if (!contact) return <>Ask the people who run this portal</>;
  return (
    <>
      Ask{' '}
      {contact.url ? (
        <Link to={contact.url}>{contact.name}</Link>
      ) : (
        <strong>{contact.name}</strong>
      )}
    </>
  );
};

/**
 * The calm state for an expected refusal (a 403, or a permission the policy
 * denies): what the person cannot do and whom to ask, never an error panel.
 */
export const AccessDenied = (props: {
  /** What they cannot do, as a verb phrase: "get cluster access". */
  what: string;
  /** What they lack, as a sentence; default: the permission. */
  lacking?: string;
}) => (
  <EmptyState
    missing="info"
    title={`You can’t ${props.what} on this portal`}
    description={
      <Typography variant="body1" component="span">
        {props.lacking ??
          `Your Backstage account does not have the permission to ${props.what}.`}{' '}
        <AskContact /> if you need it.
      </Typography>
    }
  />
);
