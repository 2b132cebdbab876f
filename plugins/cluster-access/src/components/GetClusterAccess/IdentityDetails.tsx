import { CertificateIdentity } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';

/** Who the certificate will be for: the username and the groups it carries. */
export const IdentityDetails = (props: { identity: CertificateIdentity }) => {
  const { username, groups } = props.identity;
  return (
    <>
      <Typography variant="overline" component="div">
        Username
      </Typography>
      <Typography variant="h6" component="div" gutterBottom>
        {username}
      </Typography>
      <Typography variant="overline" component="div">
        Groups
      </Typography>
      {groups.length > 0 ? (
        <Box display="flex" flexWrap="wrap" aria-label="Groups" role="list">
          {groups.map(group => (
            <Chip
              key={group}
              label={group}
              size="small"
              role="listitem"
              style={{ margin: '0 4px 4px 0' }}
            />
          ))}
        </Box>
      ) : (
        <Typography variant="body2" color="textSecondary">
          None: the certificate will carry your username only.
        </Typography>
      )}
    </>
  );
};
