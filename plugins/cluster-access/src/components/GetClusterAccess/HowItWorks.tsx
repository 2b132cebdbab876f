import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** Where the kubeconfig will show, before the first Generate. */
export const HowItWorks = () => (
  <InfoCard title="How it works">
    <Typography variant="body2" paragraph>
      Your browser generates a key pair and sends only a certificate signing
      request. Vault signs a short-lived client certificate for your username
      and groups, and you download a kubeconfig that works with kubectl on every
      cluster of this portal.
    </Typography>
    <Typography variant="body2">
      The private key never leaves your browser and is not kept: download the
      kubeconfig when it is ready, as it cannot be downloaded again later.
    </Typography>
  </InfoCard>
);
