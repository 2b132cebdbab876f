import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import { useApi } from '@backstage/core-plugin-api';
import { clusterAccessApiRef } from '../../api';

/**
 * Opens the request named by `?request=<id>` (the link the scaffolder
 * action outputs) once, through `show`.
 */
export function useLinkedRequest(show: (request: NamespaceRequest) => void) {
  const api = useApi(clusterAccessApiRef);
  const [params] = useSearchParams();
  const id = params.get('request');
  useEffect(() => {
    if (!id) return undefined;
    let current = true;
    api
      .getRequest({ id })
      .then(request => current && show(request))
      // An unknown or unreadable id leaves the tab as it is.
      .catch(() => {});
    return () => {
      current = false;
    };
    // `show` is a state setter; reading again only when the id changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, id]);
}
