import { TableColumn } from '@backstage/core-components';
import { CertificateRecord } from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import { formatDate } from '../../lib/dates';
import { CertificateStatus } from './CertificateStatus';
import { SerialNumber } from './SerialNumber';

/** Whether a certificate has expired by `now`. */
export const isExpired = (c: CertificateRecord, now: number) =>
  Date.parse(c.expiresAt) <= now;

/** The columns of the certificates table; Revoke for the ones still valid. */
export function certificateColumns(options: {
  now: number;
  onRevoke: (certificate: CertificateRecord) => void;
}): TableColumn<CertificateRecord>[] {
  const { now, onRevoke } = options;
  return [
    {
      title: 'Serial number',
      field: 'serialNumber',
      render: c => <SerialNumber serial={c.serialNumber} />,
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
            onClick={() => onRevoke(c)}
          >
            Revoke
          </Button>
        ),
    },
  ];
}
