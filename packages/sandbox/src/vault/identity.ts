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

  private createAlias(ctx: RequestContext): VaultResult | null {
    const body = ctx.body;
    const id = getString(body, 'id', '');
    if (id) {
      const found = this.aliasById(id);
      if (!found) throw badRequest('invalid alias ID provided');
      return this.updateAlias(ctx, found);
    }
    const name = getString(body, 'name', '');
    if (!name) throw badRequest('missing alias name');
    const mountAccessor = getString(body, 'mount_accessor', '');
    if (!mountAccessor) throw badRequest('missing mount_accessor');
    if (!this.engine.authMountByAccessor(mountAccessor)) {
      throw badRequest(
        `invalid mount accessor ${JSON.stringify(mountAccessor)}`,
      );
    }
    if (this.aliasByFactors(mountAccessor, name)) {
      throw badRequest('combination of mount and alias name is already in use');
    }
    const canonicalId = getString(
      body,
      'canonical_id',
      getString(body, 'entity_id', ''),
    );
    let entity: Entity;
    if (canonicalId) {
      const found = this.entities.get(canonicalId);
      if (!found) throw badRequest('invalid canonical ID');
      entity = found;
      if (entity.aliases.some(a => a.mountAccessor === mountAccessor)) {
        throw badRequest(
          'Alias already exists for requested entity and mount accessor',
        );
      }
    } else {
      entity = this.newEntity(undefined, ctx.now);
      this.entities.set(entity.id, entity);
    }
    const alias = this.newAlias(entity.id, mountAccessor, name, null, ctx.now);
    alias.customMetadata = getKvPairs(body, 'custom_metadata') ?? null;
    entity.aliases.push(alias);
    entity.lastUpdateTime = ctx.now;
    return { data: { id: alias.id, canonical_id: entity.id } };
  }

  private updateAlias(
    ctx: RequestContext,
    found: { alias: Alias; entity: Entity },
  ): VaultResult {
    const body = ctx.body;
    const { alias } = found;
    if (has(body, 'name')) alias.name = getString(body, 'name');
    if (has(body, 'mount_accessor')) {
      const accessor = getString(body, 'mount_accessor');
      if (!this.engine.authMountByAccessor(accessor)) {
        throw badRequest(`invalid mount accessor ${JSON.stringify(accessor)}`);
      }
      alias.mountAccessor = accessor;
    }
    const clash = this.aliasByFactors(alias.mountAccessor, alias.name);
    if (clash && clash.alias.id !== alias.id) {
      throw badRequest('combination of mount and alias name is already in use');
    }
    const canonicalId = getString(body, 'canonical_id', '');
    if (canonicalId && canonicalId !== found.entity.id) {
      const target = this.entities.get(canonicalId);
      if (!target) throw badRequest('invalid canonical ID');
      found.entity.aliases = found.entity.aliases.filter(
        a => a.id !== alias.id,
      );
      alias.canonicalId = target.id;
      target.aliases.push(alias);
    }
    const custom = getKvPairs(body, 'custom_metadata');
    if (custom !== undefined) alias.customMetadata = custom;
    alias.lastUpdateTime = ctx.now;
    return { data: { id: alias.id, canonical_id: alias.canonicalId } };
  }

  private lookupEntity(ctx: RequestContext): VaultResult | null {
    const body = ctx.body;
    const fields = ['id', 'name', 'alias_id', 'alias_name'].filter(
      f => has(body, f) && getString(body, f) !== '',
    );
    if (fields.length === 0) {
      throw badRequest(
        'one of "id", "name", "alias_id" or "alias_name" should be supplied',
      );
    }
    if (fields.length > 1) {
      throw badRequest(
        'only one of "id", "name", "alias_id" or "alias_name" should be supplied',
      );
    }
    let entity: Entity | undefined;
    switch (fields[0]) {
      case 'id':
        entity = this.entities.get(getString(body, 'id'));
        break;
      case 'name':
        entity = this.entityByName(getString(body, 'name'));
        break;
      case 'alias_id':
        entity = this.aliasById(getString(body, 'alias_id'))?.entity;
        break;
      default: {
        const accessor = getString(body, 'alias_mount_accessor', '');
        if (!accessor) throw badRequest("missing 'alias_mount_accessor' field");
        entity = this.aliasByFactors(
          accessor,
          getString(body, 'alias_name'),
        )?.entity;
      }
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
        write: ctx => {
          const found = this.aliasById(ctx.params.id);
          if (!found) throw badRequest('invalid alias ID provided');
          return this.updateAlias(ctx, found);
        },
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
