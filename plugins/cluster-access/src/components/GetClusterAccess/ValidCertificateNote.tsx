import Alert from '@material-ui/lab/Alert';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { formatDate } from '../../lib/dates';

/**
 * "You already have a valid certificate": a second one is seldom needed,
 * and each is a credential that lives until it expires. Says nothing while
 * the list loads or when it cannot be read (the list below shows why).
 */
export const ValidCertificateNote = () => {
  const certificates = useClusterAccessApi(api => api.listCertificates());
  const now = Date.now();
  const valid = (certificates.value ?? [])
    .filter(c => !c.revokedAt && Date.parse(c.expiresAt) > now)
    .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));
  if (!valid.length) return null;
  return (
    <Alert severity="info">
      You already have {valid.length === 1 ? 'a' : valid.length} valid
      certificate{valid.length === 1 ? '' : 's'} (until{' '}
      {formatDate(valid[0].expiresAt)}). If you still have its kubeconfig, you
      need no new one.
    </Alert>
  );
};
