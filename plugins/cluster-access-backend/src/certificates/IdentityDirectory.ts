/**
 * A user as the directory that holds groups for certificates (Vault's
 * identity store) knows them.
 *
 * @public
 */
export interface DirectoryUser {
  /** The directory's id of the user (Vault entity id). */
  id: string;
  /** Names of the groups the user belongs to there, unmapped. */
  groups: string[];
}

/**
 * A user's identity once {@link IdentityDirectory.ensureUser} made sure of it.
 *
 * @public
 */
export interface DirectoryIdentity extends DirectoryUser {
  /** True when this call created the identity. */
  created: boolean;
}

/**
 * Finds users and their groups, and creates them when a certificate is
 * about to be signed. Looking never writes: people who only look (`GET
 * /identity`) and requests that are refused leave no trace in the directory.
 *
 * @public
 */
export interface IdentityDirectory {
  /**
   * The user's identity, read-only; `undefined` when they have none yet.
   * Throws `ConflictError` when the identity found for the username belongs
   * to another Backstage user.
   */
  findUser(options: {
    username: string;
    userEntityRef: string;
  }): Promise<DirectoryUser | undefined>;
  /**
   * Makes sure the user has an identity, creating or linking it. `found` is
   * what {@link IdentityDirectory.findUser} answered moments before (`null`
   * for none); leave it out when it was not asked. Called only for a request
   * that passed every check.
   */
  ensureUser(options: {
    username: string;
    userEntityRef: string;
    found?: DirectoryUser | null;
  }): Promise<DirectoryIdentity>;
}
