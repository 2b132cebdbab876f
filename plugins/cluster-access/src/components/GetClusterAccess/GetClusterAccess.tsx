import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  buildKubeconfig,
  CertificateIdentity,
  clusterAccessCertificateCreatePermission,
  generateClientKeyAndCsr,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../../api';
import { describeError } from '../../lib/errors';
import { formatTtl, ttlOptions } from '../../lib/duration';
import { CertificateList } from '../CertificateList';
import { KubeconfigResult } from '../KubeconfigResult';

type Step = 'key' | 'sign';

const stepText: Record<Step, string> = {
  key: 'Generating a key pair in your browser…',
  sign: 'Asking Vault to sign your certificate…',
};

/** What one Generate produced; lives only in this component's memory. */
interface Issued {
  certificate: IssuedCertificate;
  /** Undefined when the portal has no clusters to put in a kubeconfig. */
  kubeconfig?: string;
}

const IdentityDetails = (props: { identity: CertificateIdentity }) => {
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

const GenerateCard = (props: {
  identity: CertificateIdentity;
  onIssued: (issued: Issued) => void;
}) => {
  const { identity, onIssued } = props;
  const api = useApi(clusterAccessApiRef);
  const permission = usePermission({
    permission: clusterAccessCertificateCreatePermission,
  });
  const options = ttlOptions(identity);
  const [ttlSeconds, setTtlSeconds] = useState(
    Math.min(identity.defaultTtlSeconds, identity.maxTtlSeconds),
  );
  const [step, setStep] = useState<Step>();
  const [error, setError] = useState<Error>();

  const generate = async () => {
    setError(undefined);
    try {
      setStep('key');
      const { csrPem, privateKeyPem } = await generateClientKeyAndCsr({
        username: identity.username,
        groups: identity.groups,
      });
      setStep('sign');
      // Only the CSR leaves the browser; the private key stays in memory.
      const certificate = await api.issueCertificate({
        csr: csrPem,
        ttlSeconds,
      });
      let kubeconfig: string | undefined;
      if (certificate.clusters.length > 0) {
        try {
          kubeconfig = buildKubeconfig({
            username: certificate.username,
            certificatePem: certificate.certificate,
            caChain: certificate.caChain,
            privateKeyPem,
            clusters: certificate.clusters,
          });
        } catch (e) {
          // Issuance itself worked; say so, so the user can revoke or retry.
          throw new Error(
            `Certificate ${
              certificate.serialNumber
            } was issued, but no kubeconfig could be made from it: ${
              (e as Error).message
            }`,
          );
        }
      }
      onIssued({ certificate, kubeconfig });
    } catch (e) {
      setError(e as Error);
    } finally {
      setStep(undefined);
    }
  };

  const denied = !permission.loading && !permission.allowed;
  return (
    <InfoCard title="Your certificate">
      <IdentityDetails identity={identity} />
      <Box mt={3}>
        <TextField
          select
          id="cluster-access-ttl"
          label="Valid for"
          value={ttlSeconds}
          onChange={e => setTtlSeconds(Number(e.target.value))}
          SelectProps={{ native: true }}
          helperText={`At most ${formatTtl(identity.maxTtlSeconds)}`}
          disabled={!!step}
        >
          {options.map(ttl => (
            <option key={ttl} value={ttl}>
              {formatTtl(ttl)}
            </option>
          ))}
        </TextField>
      </Box>
      <Box mt={3}>
        <Button
          variant="contained"
          color="primary"
          onClick={generate}
          disabled={!!step || permission.loading || !permission.allowed}
        >
          Generate certificate and kubeconfig
        </Button>
      </Box>
      {denied && (
        <Box mt={2}>
          <Alert severity="info">
            You do not have permission to get a cluster certificate on this
            portal.
          </Alert>
        </Box>
      )}
      {step && (
        <Box mt={2} role="status">
          <LinearProgress />
          <Typography variant="body2">{stepText[step]}</Typography>
        </Box>
      )}
      {error && (
        <Box mt={2}>
          <ResponseErrorPanel error={error} title={describeError(error)} />
        </Box>
      )}
    </InfoCard>
  );
};

/**
 * The "Get cluster access" tab: who the user is for certificates, a TTL
 * choice and a Generate button; then the kubeconfig to download and the
 * user's certificates.
 */
export const GetClusterAccess = () => {
  const api = useApi(clusterAccessApiRef);
  const identity = useAsync(() => api.getIdentity(), [api]);
  const [issued, setIssued] = useState<Issued>();
  const [listVersion, setListVersion] = useState(0);

  const onIssued = (result: Issued) => {
    setIssued(result);
    setListVersion(v => v + 1);
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        {identity.loading && <Progress />}
        {identity.error && (
          <ResponseErrorPanel
            error={identity.error}
            title={describeError(identity.error)}
          />
        )}
        {identity.value && (
          <GenerateCard identity={identity.value} onIssued={onIssued} />
        )}
      </Grid>
      <Grid item xs={12} md={6}>
        {issued ? (
          <KubeconfigResult
            certificate={issued.certificate}
            kubeconfig={issued.kubeconfig}
          />
        ) : (
          <InfoCard title="How it works">
            <Typography variant="body2" paragraph>
              Your browser generates a key pair and sends only a certificate
              signing request. Vault signs a short-lived client certificate for
              your username and groups, and you download a kubeconfig that works
              with kubectl on every cluster of this portal.
            </Typography>
            <Typography variant="body2">
              The private key never leaves your browser and is not kept:
              download the kubeconfig when it is ready, as it cannot be
              downloaded again later.
            </Typography>
          </InfoCard>
        )}
      </Grid>
      <Grid item xs={12}>
        <CertificateList version={listVersion} />
      </Grid>
    </Grid>
  );
};
