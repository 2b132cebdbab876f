import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, stringifyError } from '@backstage/errors';
import { BadGatewayError } from '../../lib/errors';
import {
  DirectoryIdentity,
  DirectoryUser,
  IdentityDirectory,
} from '@cluster-access/plugin-cluster-access-node';
import { VaultClient } from './VaultClient';

interface VaultEntity {
  id: string;
  name: string;
  metadata?: Record<string, string> | null;
  group_ids?: string[] | null;
  direct_group_ids?: string[] | null;
  inherited_group_ids?: string[] | null;
  aliases?: Array<{ mount_accessor?: string; name?: string }> | null;
}

/** Where an entity was found: through the user's login alias, or by name. */
interface Located {
  entity: VaultEntity;
  via: 'alias' | 'name';
}

const OWNER_KEY = 'backstage_entity_ref';

// Group names change rarely; this saves one read per group and request.
const GROUP_NAME_CACHE_MS = 60_000;

/** Default of `clusterAccess.vault.identity.cacheTtlSeconds`. */
export const DEFAULT_IDENTITY_CACHE_TTL_SECONDS = 30;

/**
 * Options for {@link VaultIdentityDirectory}.
 *
 * @internal
 */
export interface VaultIdentityDirectoryOptions {
  client: VaultClient;
  /** Auth mount path (e.g. `oidc`) whose aliases name users; none when unset. */
  aliasMountPath?: string;
  /**
   * How long a user's entity and groups, once read, are used without asking
   * Vault again; 0 reads them on every request. Default 30.
   */
  cacheTtlSeconds?: number;
  logger: LoggerService;
}

/**
 * {@link IdentityDirectory} on Vault's identity store. A user's entity is the
 * one that owns their alias on the organisation's auth mount (when one is
 * configured), else the entity named after their certificate username. An
 * entity records the Backstage user it belongs to (metadata
 * `backstage_entity_ref`); one that belongs to someone else is refused.
 * Entities are created, claimed and linked to the auth mount only by
 * `ensureUser`, and an alias that exists is never moved: Vault answers a
 * create on an existing mount and alias name by moving it to the entity
 * named, which would take a person's login away from their entity.
 *
 * @internal
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
  private readonly located = new WeakMap<DirectoryUser, Located>();
  private readonly cacheTtlMs: number;
  // Users found moments ago, by certificate username: see findUser.
  private readonly recent = new Map<
    string,
    { located: Located; groups: string[]; at: number }
  >();

  constructor(options: VaultIdentityDirectoryOptions) {
    this.client = options.client;
    this.aliasMountPath = options.aliasMountPath;
    this.logger = options.logger;
    this.cacheTtlMs =
      (options.cacheTtlSeconds ?? DEFAULT_IDENTITY_CACHE_TTL_SECONDS) * 1000;
  }

  /**
   * The user's entity and groups. A user found less than the cache TTL ago
   * is not looked up again: a change made in Vault (a group joined or left,
   * an entity given to someone else) reaches certificates within the TTL, in
   * every replica alike, as each keeps its own short-lived copy. Whose the
   * entity is, is checked on every request against that copy; users not
   * found are never cached, so that their entity is made only once.
   */
  async findUser(options: {
    username: string;
    userEntityRef: string;
  }): Promise<DirectoryUser | undefined> {
    const cached = this.recent.get(options.username);
    let located: Located | undefined;
    let groups: string[];
    if (cached && Date.now() - cached.at < this.cacheTtlMs) {
      ({ located, groups } = cached);
    } else {
      located = await this.locate(options.username);
      if (!located) return undefined;
      groups = await this.entityGroups(located.entity);
      this.remember(options.username, located, groups);
    }
    this.checkOwner(located.entity, options);
    const user = { id: located.entity.id, groups: [...groups] };
    this.located.set(user, located);
    return user;
  }

  private remember(username: string, located: Located, groups: string[]) {
    if (this.cacheTtlMs <= 0) return;
    // Bounded: drop what has expired before the map grows past a limit.
    if (this.recent.size >= 10_000) {
      const now = Date.now();
      for (const [key, entry] of this.recent) {
        if (now - entry.at >= this.cacheTtlMs) this.recent.delete(key);
      }
      if (this.recent.size >= 10_000) this.recent.clear();
    }
    this.recent.set(username, { located, groups, at: Date.now() });
  }

  async ensureUser(options: {
    username: string;
    userEntityRef: string;
    found?: DirectoryUser | null;
  }): Promise<DirectoryIdentity> {
    const { username, userEntityRef, found } = options;
    let located = found ? this.located.get(found) : undefined;
    // Not asked before (or asked by another instance): look now. An answer
    // of "none" moments ago stands; creating by name is safe either way.
    if (!located && found !== null) {
      located = await this.locate(username);
      if (located) this.checkOwner(located.entity, options);
    }
    let created = false;
    if (!located) {
      located = { entity: await this.createEntity(options), via: 'name' };
      created = true;
    } else if (!located.entity.metadata?.[OWNER_KEY]) {
      await this.claim(located.entity, userEntityRef);
      // The copy read before the claim shows no owner: read it afresh next time.
      this.recent.delete(username);
    }
    if (located.via === 'name') {
      await this.ensureAlias(located.entity, username);
    }
    return {
      id: located.entity.id,
      created,
      groups: found?.groups ?? (await this.entityGroups(located.entity)),
    };
  }

  private async locate(username: string): Promise<Located | undefined> {
    const accessor = await this.accessor();
    if (accessor) {
      const entity = await this.lookupByAlias(username, accessor);
      if (entity) return { entity, via: 'alias' };
    }
    const entity = await this.readByName(username);
    return entity ? { entity, via: 'name' } : undefined;
  }

  private checkOwner(
    entity: VaultEntity,
    options: { username: string; userEntityRef: string },
  ) {
    const owner = entity.metadata?.[OWNER_KEY];
    // Catalog refs compare without case, as the catalog does.
    if (owner && owner.toLowerCase() !== options.userEntityRef.toLowerCase()) {
      throw new ConflictError(
        `The Vault identity for the certificate name '${options.username}' (entity '${entity.name}') belongs to ${owner}, not to ${options.userEntityRef}. Ask a Vault operator to sort out which of you it is for.`,
      );
    }
  }

  private async lookupByAlias(
    username: string,
    accessor: string,
  ): Promise<VaultEntity | undefined> {
    // Vault answers 204 (no body) when no alias matches.
    const res = await this.client.write(
      'identity/lookup/entity',
      { alias_name: username, alias_mount_accessor: accessor },
      { action: `look up the Vault entity of the alias '${username}'` },
    );
    return res?.data ?? undefined;
  }

  private async readByName(username: string): Promise<VaultEntity | undefined> {
    const res = await this.client.read(
      `identity/entity/name/${encodeURIComponent(username)}`,
      {
        action: `look up the Vault entity '${username}'`,
        allowNotFound: true,
      },
    );
    return res?.data ?? undefined;
  }

  private async createEntity(options: {
    username: string;
    userEntityRef: string;
  }): Promise<VaultEntity> {
    const { username, userEntityRef } = options;
    // Writing by name creates the entity, or updates it if another replica
    // won the race for the same user, so concurrent first requests end with
    // one entity.
    await this.client.write(
      `identity/entity/name/${encodeURIComponent(username)}`,
      { metadata: { [OWNER_KEY]: userEntityRef } },
      { action: `create the Vault entity '${username}'` },
    );
    const entity = await this.readByName(username);
    if (!entity) {
      throw new BadGatewayError(
        `Vault did not keep the entity '${username}' it was asked to create`,
      );
    }
    this.checkOwner(entity, options);
    this.logger.info(
      `Created Vault entity '${username}' (${entity.id}) for ${userEntityRef}`,
    );
    return entity;
  }

  /** Records on an entity nobody claimed yet (e.g. a login's) whose it is. */
  private async claim(entity: VaultEntity, userEntityRef: string) {
    // Vault replaces metadata as a whole; keep what is there. Written by
    // name (an update of the existing entity), so the backend's policy needs
    // no write access to entities by id.
    await this.client.write(
      `identity/entity/name/${encodeURIComponent(entity.name)}`,
      { metadata: { ...(entity.metadata ?? {}), [OWNER_KEY]: userEntityRef } },
      { action: `record the Backstage user of Vault entity '${entity.name}'` },
    );
    this.logger.info(
      `Recorded ${userEntityRef} as the user of Vault entity '${entity.name}' (${entity.id})`,
    );
  }

  private async entityGroups(entity: VaultEntity): Promise<string[]> {
    const ids = new Set([
      ...(entity.group_ids ?? []),
      ...(entity.direct_group_ids ?? []),
      ...(entity.inherited_group_ids ?? []),
    ]);
    const names = await Promise.all([...ids].map(id => this.groupName(id)));
    return names.filter((n): n is string => Boolean(n));
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
    if (!this.aliasMountPath) return undefined;
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
        `clusterAccess.vault.identity.aliasMountPath '${this.aliasMountPath}' is not an auth mount in Vault; entities are found by name only and get no alias`,
      );
      return undefined;
    }
    this.aliasAccessor = accessor;
    return accessor;
  }

  /**
   * Links an entity found by name to the user's login on the auth mount,
   * unless the login already belongs to an entity.
   */
  private async ensureAlias(entity: VaultEntity, username: string) {
    try {
      const accessor = await this.accessor();
      if (!accessor) return;
      if ((entity.aliases ?? []).some(a => a.mount_accessor === accessor)) {
        return;
      }
      // The entity read before has no alias here; whatever happens next,
      // the copy of it must not be used again.
      this.recent.delete(username);
      // Look again right before writing: an alias made since (the user
      // logging in to Vault) would be moved by the write.
      const owner = await this.lookupByAlias(username, accessor);
      if (owner) {
        if (owner.id !== entity.id) {
          this.logger.warn(
            `Vault alias '${username}' on ${this.aliasMountPath}/ belongs to entity ${owner.id}, not to '${entity.name}' (${entity.id}); it is left where it is`,
          );
        }
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
        `Could not create the Vault entity alias for '${username}': ${stringifyError(
          e,
        )}`,
      );
    }
  }
}
