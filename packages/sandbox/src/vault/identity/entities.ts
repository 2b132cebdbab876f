import { badRequest } from '../errors';
import { getBool, getKvPairs, getList, getString, has } from '../fields';
import type { RequestContext, Route, VaultResult } from '../types';
import { Entity, IdentityState, newEntity } from './state';
import { entityList, entityView } from './views';

/** `identity/entity[/name|/id]` (Vault's `path_entities.go`). */

/** Vault's `handleEntityUpdateCommon`: creates answer `{id, name, aliases}`, updates answer 204. */
function upsertEntity(
  state: IdentityState,
  ctx: RequestContext,
  existing: Entity | undefined,
  nameFromPath?: string,
): VaultResult | null {
  const body = ctx.body;
  let entity = existing;
  const name = nameFromPath ?? getString(body, 'name', '');
  if (name) {
    const byName = state.entityByName(name);
    if (byName && entity && byName.id !== entity.id) {
      throw badRequest('entity name is already in use');
    }
    if (byName && !entity) entity = byName;
  }
  const isNew = !entity;
  const target = entity ?? newEntity(name || undefined, ctx.now);
  if (name) target.name = name;
  if (has(body, 'policies')) {
    const policies = Array.from(new Set(getList(body, 'policies')));
    if (policies.includes('root'))
      throw badRequest('policies cannot contain root');
    target.policies = policies;
  }
  if (has(body, 'disabled')) target.disabled = getBool(body, 'disabled', false);
  const metadata = getKvPairs(body, 'metadata');
  if (metadata !== undefined) target.metadata = metadata;
  target.lastUpdateTime = ctx.now;
  state.entities.set(target.id, target);
  if (!isNew) return null;
  return { data: { id: target.id, name: target.name, aliases: null } };
}

function deleteEntity(state: IdentityState, entity: Entity | undefined): null {
  if (!entity) return null;
  state.entities.delete(entity.id);
  for (const group of state.groups.values()) {
    group.memberEntityIds = group.memberEntityIds.filter(
      id => id !== entity.id,
    );
  }
  return null;
}

/** An update by id names an entity that must exist. */
function entityById(state: IdentityState, id: string): Entity {
  const entity = state.entities.get(id);
  if (!entity) throw badRequest('entity not found from id');
  return entity;
}

export function entityRoutes(state: IdentityState): Route[] {
  const view = (entity: Entity | undefined) =>
    entity ? { data: entityView(state, entity) } : null;
  return [
    {
      pattern: 'entity',
      write: ctx => {
        const id = getString(ctx.body, 'id', '');
        const entity = id ? entityById(state, id) : undefined;
        return upsertEntity(state, ctx, entity);
      },
    },
    { pattern: 'entity/name', list: () => entityList(state, false) },
    {
      pattern: 'entity/name/:name',
      read: ctx => view(state.entityByName(ctx.params.name)),
      write: ctx =>
        upsertEntity(
          state,
          ctx,
          state.entityByName(ctx.params.name),
          ctx.params.name,
        ),
      delete: ctx => deleteEntity(state, state.entityByName(ctx.params.name)),
    },
    { pattern: 'entity/id', list: () => entityList(state, true) },
    {
      pattern: 'entity/id/:id',
      read: ctx => view(state.entities.get(ctx.params.id)),
      write: ctx => upsertEntity(state, ctx, entityById(state, ctx.params.id)),
      delete: ctx => deleteEntity(state, state.entities.get(ctx.params.id)),
    },
  ];
}
