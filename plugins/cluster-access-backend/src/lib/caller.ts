/**
 * The signed-in user on whose behalf a service acts, from their credentials
 * and `userInfo` (never from a request body).
 *
 * @internal
 */
export interface Caller {
  userEntityRef: string;
  /**
   * The token's ownership claims. Not used for Group membership of
   * namespaces, which is read from the catalog at each change (claims can be
   * an hour old).
   */
  ownershipEntityRefs: string[];
}
