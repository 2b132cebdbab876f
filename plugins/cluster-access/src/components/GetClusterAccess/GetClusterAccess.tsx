import { useState } from 'react';
import Grid from '@material-ui/core/Grid';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { describeError } from '../../lib/errors';
import { AsyncContent } from '../AsyncContent';
import { CertificateList } from '../CertificateList';
import { KubeconfigResult } from '../KubeconfigResult';
import { GenerateCard } from './GenerateCard';
import { HowItWorks } from './HowItWorks';
import { Issued } from './issueCertificate';

/**
 * The "Get cluster access" tab: who the user is for certificates, a TTL
 * choice and a Generate button; then the kubeconfig to download and the
 * user's certificates.
 */
export const GetClusterAccess = () => {
  const identity = useClusterAccessApi(api => api.getIdentity());
  const [issued, setIssued] = useState<Issued>();

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <AsyncContent state={identity} describe={describeError}>
          {value => <GenerateCard identity={value} onIssued={setIssued} />}
        </AsyncContent>
      </Grid>
      <Grid item xs={12} md={6}>
        {issued ? (
          <KubeconfigResult
            certificate={issued.certificate}
            kubeconfig={issued.kubeconfig}
          />
        ) : (
          <HowItWorks />
        )}
      </Grid>
      <Grid item xs={12}>
        <CertificateList issued={issued?.certificate} />
      </Grid>
    </Grid>
  );
};
