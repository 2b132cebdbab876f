import { isoTime } from '../ids';
import { listResult } from '../types';
import type { VaultResult } from '../types';
import type { Alias, Entity, Group, IdentityState } from './state';

/** The shapes Vault's identity backend answers reads and lists with. */

export function aliasView(
  state: IdentityState,
  alias: Alias,
): Record<string, unknown> {
  const mount = state.authMountByAccessor(alias.mountAccessor);
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

export function entityView(
  state: IdentityState,
  entity: Entity,
): Record<string, unknown> {
  const { direct, inherited } = state.groupsOfEntity(entity.id);
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
    aliases: entity.aliases.map(a => aliasView(state, a)),
    direct_group_ids: directIds,
    inherited_group_ids: inheritedIds,
    group_ids: [...directIds, ...inheritedIds],
    mfa_secrets: {},
  };
}

export function groupView(
  state: IdentityState,
  group: Group,
): Record<string, unknown> {
  const memberGroupIds = group.memberGroupIds.filter(id =>
    state.groups.has(id),
  );
  const parentGroupIds = Array.from(state.groups.values())
    .filter(g => g.memberGroupIds.includes(group.id))
    .map(g => g.id);
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    policies: group.policies,
    member_entity_ids: group.memberEntityIds.filter(id =>
      state.entities.has(id),
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

/** `identity/entity/{id,name}` LIST: keys with their aliases in `key_info`. */
export function entityList(
  state: IdentityState,
  byId: boolean,
): VaultResult | null {
  const entities = Array.from(state.entities.values());
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

/** `identity/entity-alias/id` LIST. */
export function aliasList(state: IdentityState): VaultResult | null {
  const aliases = Array.from(state.entities.values()).flatMap(e => e.aliases);
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
}
