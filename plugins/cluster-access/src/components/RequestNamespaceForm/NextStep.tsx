import { CodeSnippet, Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { usePageTabLink } from '../../hooks/usePageTabLink';

/**
 * What to do once a namespace is ready: use it with the kubeconfig from the
 * Get cluster access tab.
 */
export const NextStep = (props: { namespace: string }) => {
  const getAccessLink = usePageTabLink('getAccess');
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" gutterBottom>
        Next: use it
      </Typography>
      <Typography variant="body2" gutterBottom>
        With a kubeconfig from{' '}
        {getAccessLink ? (
          <Link to={getAccessLink}>Get cluster access</Link>
        ) : (
          'Get cluster access'
        )}{' '}
        (a new one is not needed if you already have one):
      </Typography>
      <CodeSnippet
        language="bash"
        showCopyCodeButton
        text={`kubectl -n ${props.namespace} get pods`}
      />
    </Box>
  );
};
