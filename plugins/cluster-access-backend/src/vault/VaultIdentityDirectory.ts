import { LoggerService } from '@backstage/backend-plugin-api';
import { BadGatewayError } from '../errors';
import {
  DirectoryIdentity,
  IdentityDirectory,
} from '../certificates/IdentityDirectory';
import { VaultClient } from './VaultClient';

interface VaultEntity {
  id: string;
  name: string;
  group_ids?: string[] | null;
  direct_group_ids?: string[] | null;
  inherited_group_ids?: string[] | null;
  aliases?: Array<{ mount_accessor?: string; name?: string }> | null;
}

// Group names change rarely and a user's membership is read fresh on every
// request anyway; this only saves one read per group and request.
const GROUP_NAME_CACHE_MS = 60_000;

/**
 * Options for {@link VaultIdentityDirectory}.
 *
 * @public
 */
export interface VaultIdentityDirectoryOptions {
  client: VaultClient;
  /** Auth mount path (e.g. `oidc`) whose accessor new aliases use; none when unset. */
  aliasMountPath?: string;
  logger: LoggerService;
}

/**
 * {@link IdentityDirectory} on Vault's identity store: the entity named after
 * the user (created with the Backstage entity ref as metadata when missing,
 * plus an alias on the organisation's auth mount when configured), and the
 * names of the entity's groups, direct and inherited.
 *
 * @public
 */
export class VaultIdentityDirectory implements IdentityDirectory {
  private readonly client: VaultClient;
  private readonly aliasMountPath?: string;
  private readonly logger: LoggerService;
  private aliasAccessor?: string;
  private readonly groupNames = new Map<
    string,
    { name?: string; at: number }
  >();

  constructor(options: VaultIdentityDirectoryOptions) {
    this.client = options.client;
    this.aliasMountPath = options.aliasMountPath;
    this.logger = options.logger;
  }

  async ensureUser(options: {
    username: string;
    userEntityRef: string;
  }): Promise<DirectoryIdentity> {
    const { username, userEntityRef } = options;
    const path = `identity/entity/name/${encodeURIComponent(username)}`;
    let entity = await this.readEntity(path, username);
    let created = false;
    if (!entity) {
      // Writing by name creates the entity, or updates it if another replica
      // won the race, so two concurrent first requests end with one entity.
      await this.client.write(
        path,
        { metadata: { backstage_entity_ref: userEntityRef } },
        { action: `create the Vault entity '${username}'` },
      );
      entity = await this.readEntity(path, username);
      if (!entity) {
        throw new BadGatewayError(
          `Vault did not keep the entity '${username}' it was asked to create`,
        );
      }
      created = true;
      this.logger.info(
        `Created Vault entity '${username}' (${entity.id}) for ${userEntityRef}`,
      );
    }
    if (this.aliasMountPath) {
      await this.ensureAlias(entity, username);
    }
    const groupIds = new Set([
      ...(entity.group_ids ?? []),
      ...(entity.direct_group_ids ?? []),
      ...(entity.inherited_group_ids ?? []),
    ]);
    const names = await Promise.all(
      [...groupIds].map(id => this.groupName(id)),
    );
    return {
      id: entity.id,
      created,
      groups: names.filter((n): n is string => Boolean(n)),
    };
  }

  private async readEntity(
    path: string,
    username: string,
  ): Promise<VaultEntity | undefined> {
    const res = await this.client.read(path, {
      action: `look up the Vault entity '${username}'`,
      allowNotFound: true,
    });
    return res?.data ?? undefined;
  }

  private async groupName(id: string): Promise<string | undefined> {
    const cached = this.groupNames.get(id);
    if (cached && Date.now() - cached.at < GROUP_NAME_CACHE_MS) {
      return cached.name;
    }
    const res = await this.client.read(
      `identity/group/id/${encodeURIComponent(id)}`,
      { action: `read Vault group ${id}`, allowNotFound: true },
    );
    const name =
      typeof res?.data?.name === 'string' ? res.data.name : undefined;
    this.groupNames.set(id, { name, at: Date.now() });
    return name;
  }

  private async accessor(): Promise<string | undefined> {
    if (this.aliasAccessor) return this.aliasAccessor;
    const res = await this.client.read('sys/auth', {
      action: 'list the auth mounts',
    });
    const mounts = (res?.data ?? res ?? {}) as Record<
      string,
      { accessor?: string }
    >;
    const accessor = mounts[`${this.aliasMountPath}/`]?.accessor;
    if (!accessor) {
      this.logger.warn(
        `clusterAccess.vault.identity.aliasMountPath '${this.aliasMountPath}' is not an auth mount in Vault; no entity aliases are created`,
      );
      return undefined;
    }
    this.aliasAccessor = accessor;
    return accessor;
  }

  private async ensureAlias(entity: VaultEntity, username: string) {
    try {
      const accessor = await this.accessor();
      if (!accessor) return;
      if ((entity.aliases ?? []).some(a => a.mount_accessor === accessor)) {
        return;
      }
      await this.client.write(
        'identity/entity-alias',
        { name: username, canonical_id: entity.id, mount_accessor: accessor },
        { action: `create an entity alias for '${username}'` },
      );
      this.logger.info(
        `Created Vault entity alias '${username}' on ${this.aliasMountPath}/`,
      );
    } catch (e) {
      // The alias links the entity to the organisation's login; certificates
      // do not depend on it, so its absence must not block issuance.
      this.logger.warn(
        `Could not create the Vault entity alias for '${username}': ${
          (e as Error).message
        }`,
      );
    }
  }
}
