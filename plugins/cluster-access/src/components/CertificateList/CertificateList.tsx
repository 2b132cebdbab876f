import { useState } from 'react';
import { ResponseErrorPanel, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CertificateRecord,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import useInterval from 'react-use/esm/useInterval';
import { clusterAccessApiRef } from '../../api';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { useSubmit } from '../../hooks/useSubmit';
import { describeError } from '../../lib/errors';
import { firstLoadView } from '../AsyncContent';
import { certificateColumns, isExpired } from './columns';
import { RevokeDialog } from './RevokeDialog';
import { touchTableOptions } from '../PluginContent';

/** Often enough for a minute-resolution countdown, rare enough to be free. */
const CLOCK_TICK_MS = 30_000;

/**
 * The signed-in user's certificates, with the time each has left, revoked
 * ones marked, and a Revoke action. Expired ones are hidden unless asked for.
 */
export const CertificateList = (props: {
  /** The certificate issued last on this page: the list reloads to show it. */
  issued?: IssuedCertificate;
}) => {
  const api = useApi(clusterAccessApiRef);
  const certificates = useClusterAccessApi(
    a => a.listCertificates(),
    [props.issued],
  );
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
  const [showExpired, setShowExpired] = useState(false);
  const [toRevoke, setToRevoke] = useState<CertificateRecord>();
  const revoking = useSubmit();

  const revoke = async (certificate: CertificateRecord) => {
    await revoking.run(async () => {
      await api.revokeCertificate({ serialNumber: certificate.serialNumber });
      certificates.retry();
    });
    setToRevoke(undefined);
  };

  const waiting = firstLoadView({
    states: [certificates],
    describe: describeError,
  });
  if (waiting) return waiting;
  const rows = [...(certificates.value ?? [])]
    .filter(c => showExpired || !isExpired(c, now))
    .sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt));

  return (
    <>
      {revoking.error && (
        <Box mb={2}>
          <ResponseErrorPanel
            error={revoking.error}
            title={`Could not revoke the certificate: ${describeError(
              revoking.error,
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
        options={{
          search: false,
          paging: false,
          padding: 'dense',
          ...touchTableOptions,
        }}
        columns={certificateColumns({ now, onRevoke: setToRevoke })}
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
        busy={revoking.busy}
        onCancel={() => setToRevoke(undefined)}
        onConfirm={() => toRevoke && revoke(toRevoke)}
      />
    </>
  );
};
