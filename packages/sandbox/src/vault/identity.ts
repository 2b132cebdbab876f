import { randomBytes } from 'node:crypto';
import { badRequest } from './errors';
import { getBool, getKvPairs, getList, getString, has } from './fields';
import { isoTime, newUuid } from './ids';
import { listResult } from './types';
import type { RequestContext, Route, VaultResult } from './types';
import type { VaultEngine } from './engine';

interface Alias {
  id: string;
  canonicalId: string;
  mountAccessor: string;
  name: string;
  metadata: Record<string, string> | null;
  customMetadata: Record<string, string> | null;
  creationTime: number;
  lastUpdateTime: number;
}

interface Entity {
  id: string;
  name: string;
  metadata: Record<string, string> | null;
  policies: string[];
  disabled: boolean;
  aliases: Alias[];
  creationTime: number;
  lastUpdateTime: number;
}

interface Group {
  id: string;
  name: string;
  type: 'internal' | 'external';
  policies: string[];
  memberEntityIds: string[];
  memberGroupIds: string[];
  metadata: Record<string, string> | null;
  creationTime: number;
  lastUpdateTime: number;
  modifyIndex: number;
}

/** strutil.EqualStringMaps: nil and empty are equal. */
function sameStringMap(
  a: Record<string, string> | null,
  b: Record<string, string> | null,
): boolean {
  const left = a ?? {};
  const right = b ?? {};
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every(k => right[k] === left[k])
  );
}

/**
 * The identity store: entities, entity aliases and internal groups, with the response shapes and
 * create-versus-update semantics of Vault's `identity/` backend (creates answer `{id, name}`,
 * updates answer 204, unknown reads answer 404).
 */
export class IdentityStore {
  private readonly entities = new Map<string, Entity>();
  private readonly groups = new Map<string, Group>();

  constructor(private readonly engine: VaultEngine) {}

  clear(): void {
    this.entities.clear();
    this.groups.clear();
  }

  private entityByName(name: string): Entity | undefined {
    const lower = name.toLowerCase();
    return Array.from(this.entities.values()).find(
      e => e.name.toLowerCase() === lower,
    );
  }

  private groupByName(name: string): Group | undefined {
    const lower = name.toLowerCase();
    return Array.from(this.groups.values()).find(
      g => g.name.toLowerCase() === lower,
    );
  }

  private aliasById(id: string): { alias: Alias; entity: Entity } | undefined {
    for (const entity of this.entities.values()) {
      const alias = entity.aliases.find(a => a.id === id);
      if (alias) return { alias, entity };
    }
    return undefined;
  }

  private aliasByFactors(
    mountAccessor: string,
    name: string,
  ): { alias: Alias; entity: Entity } | undefined {
    for (const entity of this.entities.values()) {
      const alias = entity.aliases.find(
        a => a.mountAccessor === mountAccessor && a.name === name,
      );
      if (alias) return { alias, entity };
    }
    return undefined;
  }

  /** Groups that list the entity directly, and the groups that contain those (transitively). */
  private groupsOfEntity(entityId: string): {
    direct: Group[];
    inherited: Group[];
  } {
    const direct = Array.from(this.groups.values()).filter(g =>
      g.memberEntityIds.includes(entityId),
    );
    const seen = new Set(direct.map(g => g.id));
    const inherited: Group[] = [];
    const queue = [...direct];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const parent of this.groups.values()) {
        if (
          parent.memberGroupIds.includes(current.id) &&
          !seen.has(parent.id)
        ) {
          seen.add(parent.id);
          inherited.push(parent);
          queue.push(parent);
        }
      }
    }
    return { direct, inherited };
  }

  /** Policies granted through the identity system (entity and all its groups). */
  policiesForEntity(entityId: string): string[] {
    const entity = entityId ? this.entities.get(entityId) : undefined;
    if (!entity) return [];
    const { direct, inherited } = this.groupsOfEntity(entity.id);
    const all = [
      ...entity.policies,
      ...direct.flatMap(g => g.policies),
      ...inherited.flatMap(g => g.policies),
    ];
    return Array.from(new Set(all)).sort();
  }

  isEntityDisabled(entityId: string): boolean {
    return Boolean(entityId && this.entities.get(entityId)?.disabled);
  }

  /**
   * Called on login: finds the entity owning the alias for this mount, or creates an entity and
   * alias the way Vault does the first time a principal logs in.
   */
  entityForLogin(
    mountAccessor: string,
    aliasName: string,
    metadata: Record<string, string>,
    now: number,
  ): string {
    const existing = this.aliasByFactors(mountAccessor, aliasName);
    if (existing) {
      existing.alias.metadata = metadata;
      existing.alias.lastUpdateTime = now;
      return existing.entity.id;
    }
    const entity = this.newEntity(undefined, now);
    entity.aliases.push(
      this.newAlias(entity.id, mountAccessor, aliasName, metadata, now),
    );
    this.entities.set(entity.id, entity);
    return entity.id;
  }

  private newEntity(name: string | undefined, now: number): Entity {
    const id = newUuid();
    return {
      id,
      name: name || `entity_${id.slice(0, 8)}`,
      metadata: null,
      policies: [],
      disabled: false,
      aliases: [],
      creationTime: now,
      lastUpdateTime: now,
    };
  }

  private newAlias(
    canonicalId: string,
    mountAccessor: string,
    name: string,
    metadata: Record<string, string> | null,
    now: number,
  ): Alias {
    return {
      id: newUuid(),
      canonicalId,
      mountAccessor,
      name,
      metadata,
      customMetadata: null,
      creationTime: now,
      lastUpdateTime: now,
    };
  }

  private aliasView(alias: Alias): Record<string, unknown> {
    const mount = this.engine.authMountByAccessor(alias.mountAccessor);
    return {
      id: alias.id,
      canonical_id: alias.canonicalId,
      mount_accessor: alias.mountAccessor,
      mount_path: mount ? `auth/${mount.path}` : '',
      mount_type: mount?.type ?? '',
      name: alias.name,
      metadata: alias.metadata,
      custom_metadata: alias.customMetadata,
      creation_time: isoTime(alias.creationTime),
      last_update_time: isoTime(alias.lastUpdateTime),
      local: false,
      merged_from_canonical_ids: null,
      namespace_id: 'root',
    };
  }

  private entityView(entity: Entity): Record<string, unknown> {
    const { direct, inherited } = this.groupsOfEntity(entity.id);
    const directIds = direct.map(g => g.id);
    const inheritedIds = inherited.map(g => g.id);
    return {
      id: entity.id,
      name: entity.name,
      metadata: entity.metadata,
      policies: Array.from(new Set(entity.policies)).sort(),
      disabled: entity.disabled,
      namespace_id: 'root',
      merged_entity_ids: null,
      creation_time: isoTime(entity.creationTime),
      last_update_time: isoTime(entity.lastUpdateTime),
      aliases: entity.aliases.map(a => this.aliasView(a)),
      direct_group_ids: directIds,
      inherited_group_ids: inheritedIds,
      group_ids: [...directIds, ...inheritedIds],
      mfa_secrets: {},
    };
  }

  private groupView(group: Group): Record<string, unknown> {
    const memberGroupIds = group.memberGroupIds.filter(id =>
      this.groups.has(id),
    );
    const parentGroupIds = Array.from(this.groups.values())
      .filter(g => g.memberGroupIds.includes(group.id))
      .map(g => g.id);
    return {
      id: group.id,
      name: group.name,
      type: group.type,
      policies: group.policies,
      member_entity_ids: group.memberEntityIds.filter(id =>
        this.entities.has(id),
      ),
      member_group_ids: memberGroupIds.length ? memberGroupIds : null,
      parent_group_ids: parentGroupIds.length ? parentGroupIds : null,
      metadata: group.metadata,
      creation_time: isoTime(group.creationTime),
      last_update_time: isoTime(group.lastUpdateTime),
      modify_index: group.modifyIndex,
      namespace_id: 'root',
      alias: {},
    };
  }

  /** Vault's `handleEntityUpdateCommon`: creates answer `{id, name, aliases}`, updates answer 204. */
  private upsertEntity(
    ctx: RequestContext,
    existing: Entity | undefined,
    nameFromPath?: string,
  ): VaultResult | null {
    const body = ctx.body;
    let entity = existing;
    const name = nameFromPath ?? getString(body, 'name', '');
    if (name) {
      const byName = this.entityByName(name);
      if (byName && entity && byName.id !== entity.id) {
        throw badRequest('entity name is already in use');
      }
      if (byName && !entity) entity = byName;
    }
    const isNew = !entity;
    const target = entity ?? this.newEntity(name || undefined, ctx.now);
    if (name) target.name = name;
    if (has(body, 'policies')) {
      const policies = Array.from(new Set(getList(body, 'policies')));
      if (policies.includes('root'))
        throw badRequest('policies cannot contain root');
      target.policies = policies;
    }
    if (has(body, 'disabled'))
      target.disabled = getBool(body, 'disabled', false);
    const metadata = getKvPairs(body, 'metadata');
    if (metadata !== undefined) target.metadata = metadata;
    target.lastUpdateTime = ctx.now;
    this.entities.set(target.id, target);
    if (!isNew) return null;
    return { data: { id: target.id, name: target.name, aliases: null } };
  }

  /** Vault's `handleGroupUpdateCommon`: creates answer `{id, name}`, updates answer 204. */
  private upsertGroup(
    ctx: RequestContext,
    existing: Group | undefined,
    nameFromPath?: string,
  ): VaultResult | null {
    const body = ctx.body;
    const isNew = !existing;
    const group: Group = existing ?? {
      id: newUuid(),
      name: '',
      type: 'internal',
      policies: [],
      memberEntityIds: [],
      memberGroupIds: [],
      metadata: null,
      creationTime: ctx.now,
      lastUpdateTime: ctx.now,
      modifyIndex: 0,
    };
    if (has(body, 'policies')) {
      const policies = Array.from(
        new Set(getList(body, 'policies').map(p => p.toLowerCase())),
      );
      if (policies.includes('root'))
        throw badRequest('policies cannot contain root');
      group.policies = policies;
    }
    if (has(body, 'type')) {
      const type = getString(body, 'type');
      if (!isNew && type !== group.type)
        throw badRequest('group type cannot be changed');
      if (type !== 'internal' && type !== 'external')
        throw badRequest(`invalid group type "${type}"`);
      group.type = type;
    }
    const name = nameFromPath ?? getString(body, 'name', '');
    if (name) {
      const byName = this.groupByName(name);
      if (byName && byName.id !== group.id)
        throw badRequest('group name is already in use');
      group.name = name;
    }
    if (!group.name) group.name = `group_${randomBytes(4).toString('hex')}`;
    const metadata = getKvPairs(body, 'metadata');
    if (metadata !== undefined) group.metadata = metadata;
    if (has(body, 'member_entity_ids')) {
      if (group.type === 'external') {
        throw badRequest(
          "member entities can't be set manually for external groups",
        );
      }
      const ids = Array.from(new Set(getList(body, 'member_entity_ids')));
      for (const id of ids) {
        if (!this.entities.has(id))
          throw badRequest(`invalid entity ID ${JSON.stringify(id)}`);
      }
      group.memberEntityIds = ids;
    }
    if (has(body, 'member_group_ids')) {
      if (group.type === 'external')
        throw badRequest("member groups can't be set for external groups");
      const ids = Array.from(new Set(getList(body, 'member_group_ids')));
      for (const id of ids) {
        if (!this.groups.has(id) && id !== group.id)
          throw badRequest(`invalid member group ID ${JSON.stringify(id)}`);
        if (id === group.id || this.isAncestor(group.id, id)) {
          throw badRequest(
            `cyclic relationship detected for member group ID ${JSON.stringify(
              id,
            )}`,
          );
        }
      }
      group.memberGroupIds = ids;
    }
    group.lastUpdateTime = ctx.now;
    group.modifyIndex += 1;
    this.groups.set(group.id, group);
    return isNew ? { data: { id: group.id, name: group.name } } : null;
  }

  /** True when `ancestorId` is (transitively) a member of `groupId`, i.e. adding it would cycle. */
  private isAncestor(groupId: string, candidateMemberId: string): boolean {
    const candidate = this.groups.get(candidateMemberId);
    if (!candidate) return false;
    const stack = [...candidate.memberGroupIds];
    const seen = new Set<string>();
    while (stack.length) {
      const id = stack.pop()!;
      if (id === groupId) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(this.groups.get(id)?.memberGroupIds ?? []));
    }
    return false;
  }

  private deleteEntity(entity: Entity | undefined): null {
    if (!entity) return null;
    this.entities.delete(entity.id);
    for (const group of this.groups.values()) {
      group.memberEntityIds = group.memberEntityIds.filter(
        id => id !== entity.id,
      );
    }
    return null;
  }

  private deleteGroup(group: Group | undefined): null {
    if (!group) return null;
    this.groups.delete(group.id);
    for (const other of this.groups.values()) {
      other.memberGroupIds = other.memberGroupIds.filter(id => id !== group.id);
    }
    return null;
  }

  /**
   * Vault's `pathAliasIDUpdate` for `identity/entity-alias`: with an `id` it updates that alias;
   * otherwise an existing (mount_accessor, name) is an update too (`handleAliasCreateUpdateCommon`),
   * which moves the alias to the `canonical_id` given. Only a new pair creates an alias.
   */
  private createAlias(ctx: RequestContext): VaultResult | null {
    const body = ctx.body;
    let name = getString(body, 'name', '');
    let mountAccessor = getString(body, 'mount_accessor', '');
    const canonicalId =
      getString(body, 'canonical_id', '') || getString(body, 'entity_id', '');
    const customGiven = getKvPairs(body, 'custom_metadata');
    const id = getString(body, 'id', '');
    if (id) {
      const found = this.aliasById(id);
      if (!found) throw badRequest('invalid alias ID provided');
      if (!mountAccessor && !name) {
        if (!canonicalId && customGiven === undefined) return null;
        name = found.alias.name;
        mountAccessor = found.alias.mountAccessor;
      } else if (!mountAccessor) {
        mountAccessor = found.alias.mountAccessor;
      } else if (!name) {
        name = found.alias.name;
      }
      return this.updateAlias(ctx, found, {
        name,
        mountAccessor,
        canonicalId,
        customMetadata: customGiven ?? found.alias.customMetadata ?? {},
      });
    }
    if (!mountAccessor || !name) {
      throw badRequest("'id' or 'mount_accessor' and 'name' must be provided");
    }
    if (!this.engine.authMountByAccessor(mountAccessor)) {
      throw badRequest(
        `invalid mount accessor ${JSON.stringify(mountAccessor)}`,
      );
    }
    const customMetadata = customGiven ?? {};
    const existing = this.aliasByFactors(mountAccessor, name);
    if (existing) {
      return this.updateAlias(ctx, existing, {
        name,
        mountAccessor,
        canonicalId,
        customMetadata,
      });
    }
    let entity: Entity;
    if (canonicalId) {
      const found = this.entities.get(canonicalId);
      if (!found) throw badRequest('invalid canonical ID');
      entity = found;
    } else {
      entity = this.newEntity(undefined, ctx.now);
    }
    if (entity.aliases.some(a => a.mountAccessor === mountAccessor)) {
      throw badRequest(
        'Alias already exists for requested entity and mount accessor',
      );
    }
    this.entities.set(entity.id, entity);
    const alias = this.newAlias(entity.id, mountAccessor, name, null, ctx.now);
    alias.customMetadata = customMetadata;
    entity.aliases.push(alias);
    entity.lastUpdateTime = ctx.now;
    return { data: { id: alias.id, canonical_id: entity.id } };
  }

  /** Vault's `handleAliasUpdate`, including the move to another entity. */
  private updateAlias(
    ctx: RequestContext,
    found: { alias: Alias; entity: Entity },
    wanted: {
      name: string;
      mountAccessor: string;
      canonicalId: string;
      customMetadata: Record<string, string>;
    },
  ): VaultResult | null {
    const { alias, entity: current } = found;
    const { name, mountAccessor, canonicalId, customMetadata } = wanted;
    const sameMetadata = sameStringMap(customMetadata, alias.customMetadata);
    if (
      name === alias.name &&
      mountAccessor === alias.mountAccessor &&
      (canonicalId === '' || canonicalId === alias.canonicalId) &&
      sameMetadata
    ) {
      return null;
    }
    if (
      mountAccessor !== alias.mountAccessor &&
      (canonicalId === '' || canonicalId === alias.canonicalId) &&
      current.aliases.some(a => a.mountAccessor === mountAccessor)
    ) {
      throw badRequest(
        "Alias cannot be updated as the entity already has an alias for the given 'mount_accessor' ",
      );
    }
    if (
      name !== alias.name ||
      mountAccessor !== alias.mountAccessor ||
      !sameMetadata
    ) {
      if (!this.engine.authMountByAccessor(mountAccessor)) {
        throw badRequest(
          `invalid mount accessor ${JSON.stringify(mountAccessor)}`,
        );
      }
      const clash = this.aliasByFactors(mountAccessor, name);
      if (clash && clash.alias.id !== alias.id) {
        throw badRequest(
          'alias with combination of mount accessor and name already exists',
        );
      }
      alias.name = name;
      alias.mountAccessor = mountAccessor;
      alias.customMetadata = customMetadata;
    }
    let target = current;
    if (canonicalId && canonicalId !== alias.canonicalId) {
      const next = this.entities.get(canonicalId);
      if (!next) {
        throw badRequest(
          "given 'canonical_id' is not associated with an entity",
        );
      }
      if (next.aliases.some(a => a.mountAccessor === mountAccessor)) {
        throw badRequest(
          'Alias cannot be updated as the given entity already has an alias for this mount ',
        );
      }
      current.aliases = current.aliases.filter(a => a.id !== alias.id);
      alias.canonicalId = next.id;
      next.aliases.push(alias);
      next.lastUpdateTime = ctx.now;
      target = next;
    }
    alias.lastUpdateTime = ctx.now;
    current.lastUpdateTime = ctx.now;
    return { data: { id: alias.id, canonical_id: target.id } };
  }

  /**
   * Vault's `pathLookupEntityUpdate`: exactly one of id, name, alias_id, or the pair alias_name
   * and alias_mount_accessor; an entity that is not found answers 204.
   */
  private lookupEntity(ctx: RequestContext): VaultResult | null {
    const body = ctx.body;
    const supplied = [
      'id',
      'name',
      'alias_id',
      'alias_name',
      'alias_mount_accessor',
    ].filter(f => has(body, f));
    const value = (f: string) => getString(body, f, '');
    if (supplied.length === 0) throw badRequest('query parameter not supplied');
    if (
      supplied.length > 1 &&
      !(
        supplied.length === 2 &&
        value('alias_name') !== '' &&
        value('alias_mount_accessor') !== ''
      )
    ) {
      throw badRequest(
        'query parameter conflict; please supply distinct set of query parameters',
      );
    }
    if (
      supplied.length === 1 &&
      (value('alias_name') !== '' || value('alias_mount_accessor') !== '')
    ) {
      throw badRequest(
        "both 'alias_name' and 'alias_mount_accessor' needs to be set",
      );
    }
    let entity: Entity | undefined;
    if (value('id')) entity = this.entities.get(value('id'));
    else if (value('name')) entity = this.entityByName(value('name'));
    else if (value('alias_id')) {
      entity = this.aliasById(value('alias_id'))?.entity;
    } else if (value('alias_name') && value('alias_mount_accessor')) {
      entity = this.aliasByFactors(
        value('alias_mount_accessor'),
        value('alias_name'),
      )?.entity;
    }
    return entity ? { data: this.entityView(entity) } : null;
  }

  private lookupGroup(ctx: RequestContext): VaultResult | null {
    const body = ctx.body;
    let group: Group | undefined;
    if (getString(body, 'id', ''))
      group = this.groups.get(getString(body, 'id'));
    else if (getString(body, 'name', ''))
      group = this.groupByName(getString(body, 'name'));
    else
      throw badRequest(
        'one of "id", "name", "alias_id" or "alias_name" should be supplied',
      );
    return group ? { data: this.groupView(group) } : null;
  }

  private entityList(byId: boolean): VaultResult | null {
    const entities = Array.from(this.entities.values());
    const keyInfo: Record<string, unknown> = {};
    for (const e of entities) {
      const aliases = e.aliases.map(a => ({
        id: a.id,
        name: a.name,
        mount_accessor: a.mountAccessor,
      }));
      keyInfo[byId ? e.id : e.name] = byId
        ? { name: e.name, aliases }
        : { id: e.id, aliases };
    }
    return listResult(
      entities.map(e => (byId ? e.id : e.name)),
      keyInfo,
    );
  }

  routes(): Route[] {
    return [
      {
        pattern: 'entity',
        write: ctx => {
          const id = getString(ctx.body, 'id', '');
          if (id) {
            const entity = this.entities.get(id);
            if (!entity) throw badRequest('entity not found from id');
            return this.upsertEntity(ctx, entity);
          }
          return this.upsertEntity(ctx, undefined);
        },
      },
      {
        pattern: 'entity/name',
        list: () => this.entityList(false),
      },
      {
        pattern: 'entity/name/:name',
        read: ctx => {
          const entity = this.entityByName(ctx.params.name);
          return entity ? { data: this.entityView(entity) } : null;
        },
        write: ctx =>
          this.upsertEntity(
            ctx,
            this.entityByName(ctx.params.name),
            ctx.params.name,
          ),
        delete: ctx => this.deleteEntity(this.entityByName(ctx.params.name)),
      },
      {
        pattern: 'entity/id',
        list: () => this.entityList(true),
      },
      {
        pattern: 'entity/id/:id',
        read: ctx => {
          const entity = this.entities.get(ctx.params.id);
          return entity ? { data: this.entityView(entity) } : null;
        },
        write: ctx => {
          const entity = this.entities.get(ctx.params.id);
          if (!entity) throw badRequest('entity not found from id');
          return this.upsertEntity(ctx, entity);
        },
        delete: ctx => this.deleteEntity(this.entities.get(ctx.params.id)),
      },
      { pattern: 'entity-alias', write: ctx => this.createAlias(ctx) },
      {
        pattern: 'entity-alias/id',
        list: () => {
          const aliases = Array.from(this.entities.values()).flatMap(
            e => e.aliases,
          );
          const keyInfo: Record<string, unknown> = {};
          for (const a of aliases) {
            keyInfo[a.id] = {
              canonical_id: a.canonicalId,
              mount_accessor: a.mountAccessor,
              name: a.name,
            };
          }
          return listResult(
            aliases.map(a => a.id),
            keyInfo,
          );
        },
      },
      {
        pattern: 'entity-alias/id/:id',
        read: ctx => {
          const found = this.aliasById(ctx.params.id);
          return found ? { data: this.aliasView(found.alias) } : null;
        },
        write: ctx =>
          this.createAlias({
            ...ctx,
            body: { ...ctx.body, id: ctx.params.id },
          }),
        delete: ctx => {
          const found = this.aliasById(ctx.params.id);
          if (found)
            found.entity.aliases = found.entity.aliases.filter(
              a => a.id !== found.alias.id,
            );
          return null;
        },
      },
      {
        pattern: 'group',
        write: ctx => {
          const id = getString(ctx.body, 'id', '');
          if (id) {
            const group = this.groups.get(id);
            if (!group) throw badRequest('invalid group ID');
            return this.upsertGroup(ctx, group);
          }
          const name = getString(ctx.body, 'name', '');
          return this.upsertGroup(
            ctx,
            name ? this.groupByName(name) : undefined,
          );
        },
      },
      {
        pattern: 'group/name',
        list: () =>
          listResult(Array.from(this.groups.values()).map(g => g.name)),
      },
      {
        pattern: 'group/name/:name',
        read: ctx => {
          const group = this.groupByName(ctx.params.name);
          return group ? { data: this.groupView(group) } : null;
        },
        write: ctx =>
          this.upsertGroup(
            ctx,
            this.groupByName(ctx.params.name),
            ctx.params.name,
          ),
        delete: ctx => this.deleteGroup(this.groupByName(ctx.params.name)),
      },
      {
        pattern: 'group/id',
        list: () => listResult(Array.from(this.groups.keys())),
      },
      {
        pattern: 'group/id/:id',
        read: ctx => {
          const group = this.groups.get(ctx.params.id);
          return group ? { data: this.groupView(group) } : null;
        },
        write: ctx => {
          const group = this.groups.get(ctx.params.id);
          if (!group) throw badRequest('invalid group ID');
          return this.upsertGroup(ctx, group);
        },
        delete: ctx => this.deleteGroup(this.groups.get(ctx.params.id)),
      },
      { pattern: 'lookup/entity', write: ctx => this.lookupEntity(ctx) },
      { pattern: 'lookup/group', write: ctx => this.lookupGroup(ctx) },
    ];
  }
}
