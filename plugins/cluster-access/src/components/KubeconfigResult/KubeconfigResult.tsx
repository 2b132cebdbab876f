import { InfoCard, WarningPanel } from '@backstage/core-components';
import { IssuedCertificate } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { KubeconfigDownload } from './KubeconfigDownload';

/**
 * The result of a Generate: the kubeconfig to download, the commands to use
 * it, when the certificate expires and what the signer warned about.
 */
export const KubeconfigResult = (props: {
  certificate: IssuedCertificate;
  /** The built kubeconfig; undefined when there is no cluster to put in it. */
  kubeconfig?: string;
}) => {
  const { certificate, kubeconfig } = props;
  const expiresAt = new Date(certificate.expiresAt);

  return (
    <InfoCard title="Your kubeconfig">
      <Typography variant="body1" gutterBottom>
        Certificate{' '}
        <code style={{ wordBreak: 'break-all' }}>
          {certificate.serialNumber}
        </code>{' '}
        for <strong>{certificate.username}</strong> is valid until{' '}
        <time dateTime={expiresAt.toISOString()}>
          {expiresAt.toLocaleString()}
        </time>
        .
      </Typography>
      {certificate.warnings.map((warning, index) => (
        <Box mb={1} key={index}>
          <Alert severity="warning">{warning}</Alert>
        </Box>
      ))}
      {kubeconfig && certificate.clusters.length > 0 ? (
        <KubeconfigDownload certificate={certificate} kubeconfig={kubeconfig} />
      ) : (
        <WarningPanel
          title="No clusters to connect to"
          message="The certificate was issued, but this portal has no clusters configured, so there is no kubeconfig to download. Please tell the platform team."
        />
      )}
    </InfoCard>
  );
};
