import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { describeNamespaceError } from '../../lib/errors';

/** Why sending a form or dialog failed, under it; nothing when it did not. */
export const SubmitError = (props: {
  error?: Error;
  describe?: (error: Error) => string;
}) => {
  const { error, describe = describeNamespaceError } = props;
  if (!error) return null;
  return (
    <Box mt={2}>
      <ResponseErrorPanel error={error} title={describe(error)} />
    </Box>
  );
};
