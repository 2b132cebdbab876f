import { NamespaceRequestStatus } from '@cluster-access/plugin-cluster-access-common';
import Chip from '@material-ui/core/Chip';

type Tone = 'done' | 'waiting' | 'refused' | 'gone';

const looks: Record<
  Tone,
  {
    color: 'primary' | 'secondary' | 'default';
    variant: 'default' | 'outlined';
  }
> = {
  done: { color: 'primary', variant: 'default' },
  waiting: { color: 'default', variant: 'outlined' },
  refused: { color: 'secondary', variant: 'default' },
  gone: { color: 'default', variant: 'default' },
};

const tones: Record<NamespaceRequestStatus, Tone> = {
  pending: 'waiting',
  approved: 'waiting',
  provisioning: 'waiting',
  ready: 'done',
  failed: 'refused',
  rejected: 'refused',
  expired: 'gone',
  withdrawn: 'gone',
  decommissioning: 'waiting',
  deleted: 'gone',
};

const labels: Record<NamespaceRequestStatus, string> = {
  pending: 'Waiting for approval',
  approved: 'Approved',
  provisioning: 'Provisioning',
  ready: 'Ready',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
  decommissioning: 'Decommissioning',
  deleted: 'Deleted',
};

/**
 * A namespace request's (or managed namespace's) status as a small chip:
 * filled for ready, outlined while waiting, in the error colour when it
 * failed or was rejected.
 */
export const RequestStatusChip = (props: { status: string }) => {
  const status = props.status as NamespaceRequestStatus;
  const look = looks[tones[status] ?? 'gone'];
  return (
    <Chip
      size="small"
      label={labels[status] ?? props.status}
      color={look.color}
      variant={look.variant}
      data-status={props.status}
    />
  );
};
