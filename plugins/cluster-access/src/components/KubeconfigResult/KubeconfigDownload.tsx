import { CodeSnippet } from '@backstage/core-components';
import {
  IssuedCertificate,
  kubeconfigFileName,
  kubeconfigMergeInstructions,
  kubeconfigNames,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useObjectUrl } from '../../hooks/useObjectUrl';

/** The kubeconfig's download button and the commands to try and merge it. */
export const KubeconfigDownload = (props: {
  certificate: IssuedCertificate;
  kubeconfig: string;
}) => {
  const { certificate, kubeconfig } = props;
  const fileName = kubeconfigFileName({ username: certificate.username });
  // The kubeconfig holds the private key: keep it in a blob URL only while
  // this result is shown, and release it as soon as it is replaced.
  const url = useObjectUrl(kubeconfig, 'application/yaml');
  return (
    <>
      <Typography variant="body2" paragraph>
        It works on{' '}
        {certificate.clusters.map(c => c.title ?? c.name).join(', ')}. Download
        it now: the private key exists only in this page and is gone when you
        leave.
      </Typography>
      <Button
        variant="contained"
        color="primary"
        startIcon={<GetAppIcon />}
        component="a"
        href={url}
        download={fileName}
        disabled={!url}
      >
        Download {fileName}
      </Button>
      <Box mt={3}>
        <Typography variant="subtitle2" gutterBottom>
          Try it, then merge it into ~/.kube/config (kubectl 1.28 or later for{' '}
          <code>auth whoami</code>; adjust the path if your browser saves
          elsewhere):
        </Typography>
        <CodeSnippet
          language="bash"
          showCopyCodeButton
          wrapLongLines
          text={kubeconfigMergeInstructions({
            fileName,
            context: kubeconfigNames({
              username: certificate.username,
              cluster: certificate.clusters[0].name,
            }).context,
          })}
        />
      </Box>
    </>
  );
};
