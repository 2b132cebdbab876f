import { useEffect, useState } from 'react';
import {
  CodeSnippet,
  InfoCard,
  WarningPanel,
} from '@backstage/core-components';
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
import Alert from '@material-ui/lab/Alert';

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
  const fileName = kubeconfigFileName({ username: certificate.username });

  // The kubeconfig holds the private key: keep it in a blob URL only while
  // this result is shown, and release it as soon as it is replaced. Made in
  // an effect, not a memo, so that the URL is recreated whenever a cleanup
  // has revoked it.
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!kubeconfig) return undefined;
    const objectUrl = URL.createObjectURL(
      new Blob([kubeconfig], { type: 'application/yaml' }),
    );
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(undefined);
    };
  }, [kubeconfig]);

  const expiresAt = new Date(certificate.expiresAt);
  const firstCluster = certificate.clusters[0];

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
      {kubeconfig && firstCluster ? (
        <>
          <Typography variant="body2" paragraph>
            It works on{' '}
            {certificate.clusters.map(c => c.title ?? c.name).join(', ')}.
            Download it now: the private key exists only in this page and is
            gone when you leave.
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
              Try it, then merge it into ~/.kube/config (kubectl 1.28 or later
              for <code>auth whoami</code>; adjust the path if your browser
              saves elsewhere):
            </Typography>
            <CodeSnippet
              language="bash"
              showCopyCodeButton
              wrapLongLines
              text={kubeconfigMergeInstructions({
                fileName,
                context: kubeconfigNames({
                  username: certificate.username,
                  cluster: firstCluster.name,
                }).context,
              })}
            />
          </Box>
        </>
      ) : (
        <WarningPanel
          title="No clusters to connect to"
          message="The certificate was issued, but this portal has no clusters configured, so there is no kubeconfig to download. Please tell the platform team."
        />
      )}
    </InfoCard>
  );
};
