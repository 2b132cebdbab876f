import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { formatTimeLeft } from '../../lib/duration';
import { AsyncContent } from '../AsyncContent';

/**
 * The signed-in user's certificate at a glance: the newest valid one and
 * the time it has left, or a call to get one. Only for their own page: the
 * API lists nobody else's certificates.
 */
export const OwnCertificateStatus = () => {
  const certificates = useClusterAccessApi(api => api.listCertificates());
  const getAccessLink = usePageTabLink('getAccess');
  const now = Date.now();
  return (
    <AsyncContent state={certificates}>
      {items => {
        const valid = items
          .filter(c => !c.revokedAt && formatTimeLeft(c.expiresAt, now))
          .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
        return (
          <Box
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 12 }}
          >
            <Typography variant="body2">
              {valid
                ? `Your certificate is valid for ${formatTimeLeft(
                    valid.expiresAt,
                    now,
                  )} more.`
                : 'You have no valid certificate.'}
            </Typography>
            {getAccessLink && (
              <Link to={getAccessLink}>
                {valid ? 'Manage certificates' : 'Get cluster access'}
              </Link>
            )}
          </Box>
        );
      }}
    </AsyncContent>
  );
};
