import type { Route } from '../types';
import type { VaultEngine } from '../engine';
import { aliasRoutes } from './aliases';
import { entityRoutes } from './entities';
import { groupRoutes } from './groups';
import { lookupRoutes } from './lookup';
import { IdentityState, newAlias, newEntity } from './state';

/**
 * The identity store: entities, entity aliases and internal groups, with the response shapes and
 * create-versus-update semantics of Vault's `identity/` backend (creates answer `{id, name}`,
 * updates answer 204, unknown reads answer 404). The paths are in `entities.ts`, `aliases.ts`,
 * `groups.ts` and `lookup.ts`; what auth methods and the token store ask of identity is here.
 */
export class IdentityStore {
  private readonly state: IdentityState;

  constructor(engine: VaultEngine) {
    this.state = new IdentityState(accessor =>
      engine.authMountByAccessor(accessor),
    );
  }

  clear(): void {
    this.state.clear();
  }

  /** Policies granted through the identity system (entity and all its groups). */
  policiesForEntity(entityId: string): string[] {
    const entity = entityId ? this.state.entities.get(entityId) : undefined;
    if (!entity) return [];
    const { direct, inherited } = this.state.groupsOfEntity(entity.id);
    const all = [
      ...entity.policies,
      ...direct.flatMap(g => g.policies),
      ...inherited.flatMap(g => g.policies),
    ];
    return Array.from(new Set(all)).sort();
  }

  isEntityDisabled(entityId: string): boolean {
    return Boolean(entityId && this.state.entities.get(entityId)?.disabled);
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
    const existing = this.state.aliasByFactors(mountAccessor, aliasName);
    if (existing) {
      existing.alias.metadata = metadata;
      existing.alias.lastUpdateTime = now;
      return existing.entity.id;
    }
    const entity = newEntity(undefined, now);
    entity.aliases.push(
      newAlias(entity.id, mountAccessor, aliasName, metadata, now),
    );
    this.state.entities.set(entity.id, entity);
    return entity.id;
  }

  routes(): Route[] {
    return [
      ...entityRoutes(this.state),
      ...aliasRoutes(this.state),
      ...groupRoutes(this.state),
      ...lookupRoutes(this.state),
    ];
  }
}
