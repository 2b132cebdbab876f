import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { groupRefsOf } from '../lib/entityRefs';

/** Who is signed in, as far as namespaces are concerned. */
export interface CurrentUser {
  /** The user's entity ref. */
  userEntityRef: string;
  /** The Group entity refs the user belongs to, normalised. */
  groups: string[];
}

/**
 * The signed-in user and their Groups, from the Backstage identity (the
 * same ownership refs the backend checks memberships with).
 */
export function useCurrentUser(): {
  user?: CurrentUser;
  loading: boolean;
  error?: Error;
} {
  const identityApi = useApi(identityApiRef);
  const { value, loading, error } = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    return {
      userEntityRef: identity.userEntityRef,
      groups: groupRefsOf(identity.ownershipEntityRefs),
    };
  }, [identityApi]);
  return { user: value, loading, error };
}
