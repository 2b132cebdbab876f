import { badRequest } from '../errors';
import { getKvPairs, getString } from '../fields';
import type { RequestContext, Route, VaultResult } from '../types';
import {
  Entity,
  FoundAlias,
  IdentityState,
  newAlias,
  newEntity,
} from './state';
import { aliasList, aliasView } from './views';

/** Entity aliases (Vault's `path_entity_alias.go`). */

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

interface WantedAlias {
  name: string;
  mountAccessor: string;
  canonicalId: string;
  customMetadata: Record<string, string>;
}

function requireMount(state: IdentityState, mountAccessor: string): void {
  if (!state.authMountByAccessor(mountAccessor)) {
    throw badRequest(`invalid mount accessor ${JSON.stringify(mountAccessor)}`);
  }
}

/** The entity an alias moves to, refused when missing or already aliased on that mount. */
function moveTarget(
  state: IdentityState,
  canonicalId: string,
  mountAccessor: string,
): Entity {
  const next = state.entities.get(canonicalId);
  if (!next) {
    throw badRequest("given 'canonical_id' is not associated with an entity");
  }
  if (next.aliases.some(a => a.mountAccessor === mountAccessor)) {
    throw badRequest(
      'Alias cannot be updated as the given entity already has an alias for this mount ',
    );
  }
  return next;
}

/** Vault's `handleAliasUpdate`, including the move to another entity. */
function updateAlias(
  state: IdentityState,
  ctx: RequestContext,
  found: FoundAlias,
  wanted: WantedAlias,
): VaultResult | null {
  const { alias, entity: current } = found;
  const { name, mountAccessor, canonicalId, customMetadata } = wanted;
  const sameMetadata = sameStringMap(customMetadata, alias.customMetadata);
  const sameEntity = canonicalId === '' || canonicalId === alias.canonicalId;
  const sameFactors =
    name === alias.name && mountAccessor === alias.mountAccessor;
  if (sameFactors && sameEntity && sameMetadata) return null;
  if (
    mountAccessor !== alias.mountAccessor &&
    sameEntity &&
    current.aliases.some(a => a.mountAccessor === mountAccessor)
  ) {
    throw badRequest(
      "Alias cannot be updated as the entity already has an alias for the given 'mount_accessor' ",
    );
  }
  if (!sameFactors || !sameMetadata) {
    requireMount(state, mountAccessor);
    const clash = state.aliasByFactors(mountAccessor, name);
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
  if (!sameEntity) {
    target = moveTarget(state, canonicalId, mountAccessor);
    current.aliases = current.aliases.filter(a => a.id !== alias.id);
    alias.canonicalId = target.id;
    target.aliases.push(alias);
    target.lastUpdateTime = ctx.now;
  }
  alias.lastUpdateTime = ctx.now;
  current.lastUpdateTime = ctx.now;
  return { data: { id: alias.id, canonical_id: target.id } };
}

/** `pathAliasIDUpdate` with an `id`: fields not sent keep the alias's own. */
function updateAliasById(
  state: IdentityState,
  ctx: RequestContext,
  id: string,
  requested: WantedAlias,
  customGiven: Record<string, string> | undefined,
): VaultResult | null {
  const found = state.aliasById(id);
  if (!found) throw badRequest('invalid alias ID provided');
  let { name, mountAccessor } = requested;
  if (!mountAccessor && !name) {
    if (!requested.canonicalId && customGiven === undefined) return null;
    name = found.alias.name;
    mountAccessor = found.alias.mountAccessor;
  } else if (!mountAccessor) {
    mountAccessor = found.alias.mountAccessor;
  } else if (!name) {
    name = found.alias.name;
  }
  return updateAlias(state, ctx, found, {
    name,
    mountAccessor,
    canonicalId: requested.canonicalId,
    customMetadata: customGiven ?? found.alias.customMetadata ?? {},
  });
}

/**
 * Vault's `pathAliasIDUpdate` for `identity/entity-alias`: with an `id` it updates that alias;
 * otherwise an existing (mount_accessor, name) is an update too (`handleAliasCreateUpdateCommon`),
 * which moves the alias to the `canonical_id` given. Only a new pair creates an alias.
 */
function createAlias(
  state: IdentityState,
  ctx: RequestContext,
): VaultResult | null {
  const body = ctx.body;
  const name = getString(body, 'name', '');
  const mountAccessor = getString(body, 'mount_accessor', '');
  const canonicalId =
    getString(body, 'canonical_id', '') || getString(body, 'entity_id', '');
  const customGiven = getKvPairs(body, 'custom_metadata');
  const wanted: WantedAlias = {
    name,
    mountAccessor,
    canonicalId,
    customMetadata: customGiven ?? {},
  };
  const id = getString(body, 'id', '');
  if (id) return updateAliasById(state, ctx, id, wanted, customGiven);
  if (!mountAccessor || !name) {
    throw badRequest("'id' or 'mount_accessor' and 'name' must be provided");
  }
  requireMount(state, mountAccessor);
  const existing = state.aliasByFactors(mountAccessor, name);
  if (existing) return updateAlias(state, ctx, existing, wanted);
  let entity: Entity;
  if (canonicalId) {
    const found = state.entities.get(canonicalId);
    if (!found) throw badRequest('invalid canonical ID');
    entity = found;
  } else {
    entity = newEntity(undefined, ctx.now);
  }
  if (entity.aliases.some(a => a.mountAccessor === mountAccessor)) {
    throw badRequest(
      'Alias already exists for requested entity and mount accessor',
    );
  }
  state.entities.set(entity.id, entity);
  const alias = newAlias(entity.id, mountAccessor, name, null, ctx.now);
  alias.customMetadata = wanted.customMetadata;
  entity.aliases.push(alias);
  entity.lastUpdateTime = ctx.now;
  return { data: { id: alias.id, canonical_id: entity.id } };
}

export function aliasRoutes(state: IdentityState): Route[] {
  return [
    { pattern: 'entity-alias', write: ctx => createAlias(state, ctx) },
    { pattern: 'entity-alias/id', list: () => aliasList(state) },
    {
      pattern: 'entity-alias/id/:id',
      read: ctx => {
        const found = state.aliasById(ctx.params.id);
        return found ? { data: aliasView(state, found.alias) } : null;
      },
      write: ctx =>
        createAlias(state, {
          ...ctx,
          body: { ...ctx.body, id: ctx.params.id },
        }),
      delete: ctx => {
        const found = state.aliasById(ctx.params.id);
        if (found)
          found.entity.aliases = found.entity.aliases.filter(
            a => a.id !== found.alias.id,
          );
        return null;
      },
    },
  ];
}
