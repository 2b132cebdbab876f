import { useApi } from '@backstage/core-plugin-api';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import { clusterAccessApiRef } from '../../api';
import { useSubmit } from '../../hooks/useSubmit';
import { isSameEntityRef } from '../../lib/entityRefs';
import { SubmitError } from '../SubmitError';

/** Withdraw, for the requester of a pending request (the backend allows nobody else). */
export const WithdrawButton = (props: {
  request: NamespaceRequest;
  userEntityRef?: string;
  onWithdrawn: (request: NamespaceRequest) => void;
}) => {
  const { request, userEntityRef, onWithdrawn } = props;
  const api = useApi(clusterAccessApiRef);
  const submit = useSubmit();
  if (
    request.status !== 'pending' ||
    !userEntityRef ||
    !isSameEntityRef(request.requester, userEntityRef)
  ) {
    return null;
  }
  return (
    <>
      <SubmitError error={submit.error} />
      <Button
        disabled={submit.busy}
        onClick={() =>
          submit.run(async () =>
            onWithdrawn(await api.withdrawRequest({ id: request.id })),
          )
        }
        aria-label={`Withdraw ${request.namespace}`}
      >
        Withdraw
      </Button>
    </>
  );
};
