import {
  StatusAborted,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { CertificateRecord } from '@cluster-access/plugin-cluster-access-common';
import { formatDate } from '../../lib/dates';
import { formatTimeLeft } from '../../lib/duration';

/** Revoked (when), the time left, or Expired. */
export const CertificateStatus = (props: {
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
