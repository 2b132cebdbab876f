import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  NamespaceClusterInfo,
  NamespaceRequest,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import { useSubmit } from '../../hooks/useSubmit';
import { isSameEntityRef } from '../../lib/entityRefs';
import { isReasonTooLong } from '../../lib/limits';
import { useNamespaceName } from './useNamespaceName';
import { useTierChoice } from './useTierChoice';

/** Everything the request form needs to fill in and send a request. */
export interface RequestFormOptions {
  tiers: RequestableTier[];
  clusters: NamespaceClusterInfo[];
  /** The user's Groups that the policy allows as owners somewhere. */
  groups: string[];
  /** The Group to pre-select, when it is one of the user's. */
  presetOwner?: string;
  onCreated: (request: NamespaceRequest) => void;
}

/**
 * The state of the request form: the choices, the name and the reason, and
 * whether they make a complete request; `submit` sends it.
 */
export function useRequestForm(options: RequestFormOptions) {
  const { groups, presetOwner, onCreated } = options;
  const api = useApi(clusterAccessApiRef);
  const [owner, setOwner] = useState(
    () =>
      groups.find(g => presetOwner && isSameEntityRef(g, presetOwner)) ??
      (groups.length === 1 ? groups[0] : ''),
  );
  const choice = useTierChoice({ ...options, owner });
  const { tier, cluster } = choice;
  const name = useNamespaceName({ tier, owner });
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit();
  const complete =
    owner &&
    tier &&
    cluster &&
    name.problems.length === 0 &&
    reason.trim() &&
    !isReasonTooLong(reason);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete || !tier) return;
    run(async () => {
      const request = await api.createRequest({
        owner,
        tier: tier.name,
        cluster,
        namespace: name.name,
        reason: reason.trim(),
      });
      onCreated(request);
    });
  };

  return {
    owner,
    setOwner,
    choice,
    name,
    reason,
    setReason,
    complete: !!complete,
    submit,
    busy,
    error,
  };
}

/** What {@link useRequestForm} returns. */
export type RequestFormState = ReturnType<typeof useRequestForm>;
