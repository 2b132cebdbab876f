/**
 * A user's identity in the directory that holds groups for certificates
 * (Vault's identity store).
 *
 * @public
 */
export interface DirectoryIdentity {
  /** The directory's id of the user (Vault entity id). */
  id: string;
  /** True when this call created the identity. */
  created: boolean;
  /** Names of the groups the user belongs to there, unmapped. */
  groups: string[];
}

/**
 * Finds users (creating them when missing) and their groups.
 *
 * @public
 */
export interface IdentityDirectory {
  ensureUser(options: {
    username: string;
    userEntityRef: string;
  }): Promise<DirectoryIdentity>;
}
