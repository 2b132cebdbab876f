import { useState } from 'react';
import {
  IssuedCertificate,
  kubeconfigFileName,
  kubeconfigNames,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import Alert from '@material-ui/lab/Alert';
import { useLeaveWarning } from '../../hooks/useLeaveWarning';
import { useObjectUrl } from '../../hooks/useObjectUrl';
import { KubeconfigPreview } from './KubeconfigPreview';
import { SetupInstructions } from './SetupInstructions';

/**
 * The kubeconfig's download button, the file itself (key hidden) and the
 * commands to try and merge it, per OS; until it is downloaded, leaving the
 * page asks first.
 */
export const KubeconfigDownload = (props: {
  certificate: IssuedCertificate;
  kubeconfig: string;
}) => {
  const { certificate, kubeconfig } = props;
  const fileName = kubeconfigFileName({ username: certificate.username });
  // The kubeconfig holds the private key: keep it in a blob URL only while
  // this result is shown, and release it as soon as it is replaced.
  const url = useObjectUrl(kubeconfig, 'application/yaml');
  const [downloaded, setDownloaded] = useState(false);
  useLeaveWarning(!downloaded);
  const context = kubeconfigNames({
    username: certificate.username,
    cluster: certificate.clusters[0].name,
  }).context;
  return (
    <>
      <Typography variant="body2" paragraph>
        It works on{' '}
        {certificate.clusters.map(c => c.title ?? c.name).join(', ')}.
      </Typography>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 16 }}
      >
        <Button
          variant="contained"
          color="primary"
          startIcon={<GetAppIcon />}
          component="a"
          href={url}
          download={fileName}
          disabled={!url}
          onClick={() => setDownloaded(true)}
        >
          Download {fileName}
        </Button>
        {!downloaded && (
          <Alert severity="warning" style={{ flex: '1 1 300px' }}>
            Download it before you leave this page: the private key exists only
            here.
          </Alert>
        )}
      </Box>
      <Box mt={3}>
        <Typography variant="subtitle2" gutterBottom>
          Then try it and merge it into your kubeconfig (kubectl 1.28 or later
          for <code>auth whoami</code>; adjust the path if your browser saves
          elsewhere):
        </Typography>
        <SetupInstructions fileName={fileName} context={context} />
      </Box>
      <Box mt={3}>
        <Typography variant="subtitle2" gutterBottom>
          The kubeconfig
        </Typography>
        <KubeconfigPreview kubeconfig={kubeconfig} />
      </Box>
    </>
  );
};
