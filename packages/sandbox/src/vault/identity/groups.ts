import { randomBytes } from 'node:crypto';
import { badRequest } from '../errors';
import { Body, getKvPairs, getList, getString, has } from '../fields';
import { newUuid } from '../ids';
import { listResult } from '../types';
import type { RequestContext, Route, VaultResult } from '../types';
import type { Group, IdentityState } from './state';
import { groupView } from './views';

/** Internal groups, nested (Vault's `path_groups.go`). */

function newGroup(now: number): Group {
  return {
    id: newUuid(),
    name: '',
    type: 'internal',
    policies: [],
    memberEntityIds: [],
    memberGroupIds: [],
    metadata: null,
    creationTime: now,
    lastUpdateTime: now,
    modifyIndex: 0,
  };
}

/** True when `groupId` is (transitively) a member of the candidate, i.e. adding it would cycle. */
function isAncestor(
  state: IdentityState,
  groupId: string,
  candidateMemberId: string,
): boolean {
  const candidate = state.groups.get(candidateMemberId);
  if (!candidate) return false;
  const stack = [...candidate.memberGroupIds];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === groupId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(state.groups.get(id)?.memberGroupIds ?? []));
  }
  return false;
}

/** Policies, type, name and metadata of a group write. */
function applyGroupFields(
  state: IdentityState,
  group: Group,
  body: Body,
  isNew: boolean,
  nameFromPath?: string,
): void {
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
    const byName = state.groupByName(name);
    if (byName && byName.id !== group.id)
      throw badRequest('group name is already in use');
    group.name = name;
  }
  if (!group.name) group.name = `group_${randomBytes(4).toString('hex')}`;
  const metadata = getKvPairs(body, 'metadata');
  if (metadata !== undefined) group.metadata = metadata;
}

/** `member_entity_ids` and `member_group_ids`: existing members only, and no cycles. */
function applyMembers(state: IdentityState, group: Group, body: Body): void {
  if (has(body, 'member_entity_ids')) {
    if (group.type === 'external') {
      throw badRequest(
        "member entities can't be set manually for external groups",
      );
    }
    const ids = Array.from(new Set(getList(body, 'member_entity_ids')));
    for (const id of ids) {
      if (!state.entities.has(id))
        throw badRequest(`invalid entity ID ${JSON.stringify(id)}`);
    }
    group.memberEntityIds = ids;
  }
  if (has(body, 'member_group_ids')) {
    if (group.type === 'external')
      throw badRequest("member groups can't be set for external groups");
    const ids = Array.from(new Set(getList(body, 'member_group_ids')));
    for (const id of ids) {
      if (!state.groups.has(id) && id !== group.id)
        throw badRequest(`invalid member group ID ${JSON.stringify(id)}`);
      if (id === group.id || isAncestor(state, group.id, id)) {
        throw badRequest(
          `cyclic relationship detected for member group ID ${JSON.stringify(
            id,
          )}`,
        );
      }
    }
    group.memberGroupIds = ids;
  }
}

/** Vault's `handleGroupUpdateCommon`: creates answer `{id, name}`, updates answer 204. */
function upsertGroup(
  state: IdentityState,
  ctx: RequestContext,
  existing: Group | undefined,
  nameFromPath?: string,
): VaultResult | null {
  const isNew = !existing;
  const group = existing ?? newGroup(ctx.now);
  applyGroupFields(state, group, ctx.body, isNew, nameFromPath);
  applyMembers(state, group, ctx.body);
  group.lastUpdateTime = ctx.now;
  group.modifyIndex += 1;
  state.groups.set(group.id, group);
  return isNew ? { data: { id: group.id, name: group.name } } : null;
}

function deleteGroup(state: IdentityState, group: Group | undefined): null {
  if (!group) return null;
  state.groups.delete(group.id);
  for (const other of state.groups.values()) {
    other.memberGroupIds = other.memberGroupIds.filter(id => id !== group.id);
  }
  return null;
}

/** An update by id names a group that must exist. */
function groupById(state: IdentityState, id: string): Group {
  const group = state.groups.get(id);
  if (!group) throw badRequest('invalid group ID');
  return group;
}

export function groupRoutes(state: IdentityState): Route[] {
  const view = (group: Group | undefined) =>
    group ? { data: groupView(state, group) } : null;
  return [
    {
      pattern: 'group',
      write: ctx => {
        const id = getString(ctx.body, 'id', '');
        if (id) return upsertGroup(state, ctx, groupById(state, id));
        const name = getString(ctx.body, 'name', '');
        return upsertGroup(
          state,
          ctx,
          name ? state.groupByName(name) : undefined,
        );
      },
    },
    {
      pattern: 'group/name',
      list: () =>
        listResult(Array.from(state.groups.values()).map(g => g.name)),
    },
    {
      pattern: 'group/name/:name',
      read: ctx => view(state.groupByName(ctx.params.name)),
      write: ctx =>
        upsertGroup(
          state,
          ctx,
          state.groupByName(ctx.params.name),
          ctx.params.name,
        ),
      delete: ctx => deleteGroup(state, state.groupByName(ctx.params.name)),
    },
    {
      pattern: 'group/id',
      list: () => listResult(Array.from(state.groups.keys())),
    },
    {
      pattern: 'group/id/:id',
      read: ctx => view(state.groups.get(ctx.params.id)),
      write: ctx => upsertGroup(state, ctx, groupById(state, ctx.params.id)),
      delete: ctx => deleteGroup(state, state.groups.get(ctx.params.id)),
    },
  ];
}
