import { badRequest } from '../errors';
import { getString, has } from '../fields';
import type { RequestContext, Route, VaultResult } from '../types';
import type { Entity, Group, IdentityState } from './state';
import { entityView, groupView } from './views';

/** `identity/lookup/{entity,group}` (Vault's `path_lookup.go`). */

const ENTITY_QUERY_FIELDS = [
  'id',
  'name',
  'alias_id',
  'alias_name',
  'alias_mount_accessor',
];

/** Exactly one of id, name, alias_id, or the pair alias_name and alias_mount_accessor. */
function checkEntityQuery(
  supplied: string[],
  value: (f: string) => string,
): void {
  if (supplied.length === 0) throw badRequest('query parameter not supplied');
  const aliasPair =
    value('alias_name') !== '' && value('alias_mount_accessor') !== '';
  if (supplied.length > 1 && !(supplied.length === 2 && aliasPair)) {
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
}

/** Vault's `pathLookupEntityUpdate`: an entity that is not found answers 204. */
function lookupEntity(
  state: IdentityState,
  ctx: RequestContext,
): VaultResult | null {
  const body = ctx.body;
  const supplied = ENTITY_QUERY_FIELDS.filter(f => has(body, f));
  const value = (f: string) => getString(body, f, '');
  checkEntityQuery(supplied, value);
  let entity: Entity | undefined;
  if (value('id')) entity = state.entities.get(value('id'));
  else if (value('name')) entity = state.entityByName(value('name'));
  else if (value('alias_id')) {
    entity = state.aliasById(value('alias_id'))?.entity;
  } else if (value('alias_name') && value('alias_mount_accessor')) {
    entity = state.aliasByFactors(
      value('alias_mount_accessor'),
      value('alias_name'),
    )?.entity;
  }
  return entity ? { data: entityView(state, entity) } : null;
}

function lookupGroup(
  state: IdentityState,
  ctx: RequestContext,
): VaultResult | null {
  const body = ctx.body;
  let group: Group | undefined;
  if (getString(body, 'id', ''))
    group = state.groups.get(getString(body, 'id'));
  else if (getString(body, 'name', ''))
    group = state.groupByName(getString(body, 'name'));
  else
    throw badRequest(
      'one of "id", "name", "alias_id" or "alias_name" should be supplied',
    );
  return group ? { data: groupView(state, group) } : null;
}

export function lookupRoutes(state: IdentityState): Route[] {
  return [
    { pattern: 'lookup/entity', write: ctx => lookupEntity(state, ctx) },
    { pattern: 'lookup/group', write: ctx => lookupGroup(state, ctx) },
  ];
}
