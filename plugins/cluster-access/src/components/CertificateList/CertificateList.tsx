import { useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CertificateRecord } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { clusterAccessApiRef } from '../../api';
import { formatTimeLeft } from '../../lib/duration';
import { describeError } from '../../lib/errors';

/** Often enough for a minute-resolution countdown, rare enough to be free. */
const CLOCK_TICK_MS = 30_000;

const formatDate = (iso: string) => new Date(iso).toLocaleString();

const isExpired = (c: CertificateRecord, now: number) =>
  Date.parse(c.expiresAt) <= now;

const CertificateStatus = (props: {
  certificate: CertificateRecord;
  now: number;
}) => {
  const { certificate, now } = props;
  if (certificate.revokedAt) {
    return (
      <StatusError>Revoked {formatDate(certificate.revokedAt)}</StatusError>
    );
  }
  const left = formatTimeLeft(certificate.expiresAt, now);
  return left ? (
    <StatusOK>{left} left</StatusOK>
  ) : (
    <StatusAborted>Expired</StatusAborted>
  );
};

const RevokeDialog = (props: {
  certificate?: CertificateRecord;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) => {
  const { certificate, busy, onCancel, onConfirm } = props;
  return (
    <Dialog open={!!certificate} onClose={onCancel}>
      <DialogTitle>Revoke certificate?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Certificate <code>{certificate?.serialNumber}</code> will be marked
          revoked in Vault and in the history. Kubernetes API servers do not
          check revocation, so it keeps working on the clusters until it expires
          {certificate ? ` (${formatDate(certificate.expiresAt)})` : ''}: delete
          the kubeconfig that holds its key, too.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button onClick={onConfirm} color="secondary" disabled={busy}>
          Revoke
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/**
 * The signed-in user's certificates, with the time each has left, revoked
 * ones marked, and a Revoke action. Expired ones are hidden unless asked for.
 */
export const CertificateList = (props: {
  /** Bump to reload, e.g. after a new certificate was issued. */
  version?: number;
}) => {
  const api = useApi(clusterAccessApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listCertificates(),
    [api, props.version],
  );
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
  const [showExpired, setShowExpired] = useState(false);
  const [toRevoke, setToRevoke] = useState<CertificateRecord>();
  const [revoking, setRevoking] = useState(false);
  const [revokeError, setRevokeError] = useState<Error>();

  const revoke = async () => {
    if (!toRevoke) return;
    setRevoking(true);
    setRevokeError(undefined);
    try {
      await api.revokeCertificate({ serialNumber: toRevoke.serialNumber });
      retry();
    } catch (e) {
      setRevokeError(e as Error);
    } finally {
      setRevoking(false);
      setToRevoke(undefined);
    }
  };

  // Only the first load shows a spinner; reloads keep the table in place.
  if (loading && !value) return <Progress />;
  if (error) {
    return <ResponseErrorPanel error={error} title={describeError(error)} />;
  }

  const columns: TableColumn<CertificateRecord>[] = [
    {
      title: 'Serial number',
      field: 'serialNumber',
      render: c => <code>{c.serialNumber}</code>,
    },
    {
      title: 'Groups',
      field: 'groups',
      render: c =>
        c.groups.map(g => (
          <Chip key={g} label={g} size="small" style={{ margin: 2 }} />
        )),
    },
    { title: 'Issued', field: 'issuedAt', render: c => formatDate(c.issuedAt) },
    {
      title: 'Expires',
      field: 'expiresAt',
      render: c => formatDate(c.expiresAt),
    },
    {
      title: 'Status',
      render: c => <CertificateStatus certificate={c} now={now} />,
    },
    {
      title: 'Actions',
      render: c =>
        c.revokedAt || isExpired(c, now) ? null : (
          <Button
            size="small"
            color="secondary"
            variant="outlined"
            aria-label={`Revoke certificate ${c.serialNumber}`}
            onClick={() => setToRevoke(c)}
          >
            Revoke
          </Button>
        ),
    },
  ];

  const rows = [...(value ?? [])]
    .filter(c => showExpired || !isExpired(c, now))
    .sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt));

  return (
    <>
      {revokeError && (
        <Box mb={2}>
          <ResponseErrorPanel
            error={revokeError}
            title={`Could not revoke the certificate: ${describeError(
              revokeError,
            )}`}
          />
        </Box>
      )}
      <Box display="flex" justifyContent="flex-end">
        <FormControlLabel
          control={
            <Switch
              checked={showExpired}
              onChange={e => setShowExpired(e.target.checked)}
            />
          }
          label="Show expired"
        />
      </Box>
      <Table<CertificateRecord>
        title="Your certificates"
        options={{ search: false, paging: false, padding: 'dense' }}
        columns={columns}
        data={rows}
        emptyContent={
          <Box p={2}>
            {showExpired
              ? 'You have no certificates yet.'
              : 'You have no active certificates.'}
          </Box>
        }
      />
      <RevokeDialog
        certificate={toRevoke}
        busy={revoking}
        onCancel={() => setToRevoke(undefined)}
        onConfirm={revoke}
      />
    </>
  );
};
