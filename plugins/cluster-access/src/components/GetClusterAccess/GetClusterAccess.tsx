import { useEffect, useRef } from 'react';
import { Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { clusterAccessCertificateCreatePermission } from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { describeError } from '../../lib/errors';
import { AccessDenied } from '../AccessDenied';
import { AsyncContent } from '../AsyncContent';
import { CertificateList } from '../CertificateList';
import { KubeconfigResult } from '../KubeconfigResult';
import { GenerateCard } from './GenerateCard';
import { HowItWorks } from './HowItWorks';
import { useIssuedCredentials } from '../IssuedCredentials';
import { MyNamespaces } from './MyNamespaces';

/**
 * The "Get cluster access" tab: who the user is for certificates, a TTL
 * choice and a Generate button beside how it works; the namespaces the
 * certificate will let them into, and why; then, full width and
 * scrolled into view, the kubeconfig to download; and the user's
 * certificates. The result stays (in memory) across the plugin's tabs.
 */
export const GetClusterAccess = () => {
  const identity = useClusterAccessApi(api => api.getIdentity());
  // Above the tabs, so that a look at another tab keeps the result.
  const { issued, setIssued } = useIssuedCredentials();
  const permission = usePermission({
    permission: clusterAccessCertificateCreatePermission,
  });
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // On a phone the result lands below the fold: bring it to the reader.
    if (issued) result.current?.scrollIntoView?.({ behavior: 'smooth' });
  }, [issued]);

  if (permission.loading) return <Progress />;
  // One calm message for the whole tab instead of one error per card.
  if (!permission.allowed) return <AccessDenied what="get cluster access" />;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <AsyncContent
          state={identity}
          describe={describeError}
          deniedWhat="get cluster access"
        >
          {value => <GenerateCard identity={value} onIssued={setIssued} />}
        </AsyncContent>
      </Grid>
      <Grid item xs={12} md={6}>
        <HowItWorks />
      </Grid>
      <Grid item xs={12}>
        <MyNamespaces />
      </Grid>
      {issued && (
        <Grid item xs={12} ref={result}>
          <KubeconfigResult
            certificate={issued.certificate}
            kubeconfig={issued.kubeconfig}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <CertificateList issued={issued?.certificate} />
      </Grid>
    </Grid>
  );
};
