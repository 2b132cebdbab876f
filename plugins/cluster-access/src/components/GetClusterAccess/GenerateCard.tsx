import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CertificateIdentity,
  clusterAccessCertificateCreatePermission,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { clusterAccessApiRef } from '../../api';
import { useSubmit } from '../../hooks/useSubmit';
import { formatTtl, ttlOptions } from '../../lib/duration';
import { describeError } from '../../lib/errors';
import { SubmitError } from '../SubmitError';
import { IdentityDetails } from './IdentityDetails';
import { ValidCertificateNote } from './ValidCertificateNote';
import {
  Issued,
  issueCertificate,
  IssueStep,
  loadCredentials,
} from './issueCertificate';

const stepText: Record<IssueStep, string> = {
  key: 'Generating a key pair in your browser…',
  sign: 'Asking Vault to sign your certificate…',
};

/** Who the certificate is for, how long it lasts, and Generate. */
export const GenerateCard = (props: {
  identity: CertificateIdentity;
  onIssued: (issued: Issued) => void;
}) => {
  const { identity, onIssued } = props;
  const api = useApi(clusterAccessApiRef);
  const permission = usePermission({
    permission: clusterAccessCertificateCreatePermission,
  });
  const [ttlSeconds, setTtlSeconds] = useState(
    Math.min(identity.defaultTtlSeconds, identity.maxTtlSeconds),
  );
  const [step, setStep] = useState<IssueStep>();
  const { busy, error, run } = useSubmit();
  const generate = () =>
    run(async () =>
      onIssued(
        await issueCertificate({ api, identity, ttlSeconds, onStep: setStep }),
      ),
    );

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
          disabled={busy}
        >
          {ttlOptions(identity).map(ttl => (
            <option key={ttl} value={ttl}>
              {formatTtl(ttl)}
            </option>
          ))}
        </TextField>
      </Box>
      <Box mt={2}>
        <ValidCertificateNote />
      </Box>
      <Box mt={2}>
        <Button
          variant="contained"
          color="primary"
          onClick={generate}
          // Fetch the X.509 code as the user heads for the button, not with
          // the page: most visits never generate. Errors surface on click.
          onPointerEnter={() => loadCredentials().catch(() => {})}
          onFocus={() => loadCredentials().catch(() => {})}
          disabled={busy || permission.loading || !permission.allowed}
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
      {busy && step && (
        <Box mt={2} role="status">
          <LinearProgress />
          <Typography variant="body2">{stepText[step]}</Typography>
        </Box>
      )}
      <SubmitError error={error} describe={describeError} />
    </InfoCard>
  );
};
