import { newUuid } from '../ids';
import type { MountEntry } from '../types';

/** The identity store's data: entities with their aliases, and groups. */

export interface Alias {
  id: string;
  canonicalId: string;
  mountAccessor: string;
  name: string;
  metadata: Record<string, string> | null;
  customMetadata: Record<string, string> | null;
  creationTime: number;
  lastUpdateTime: number;
}

export interface Entity {
  id: string;
  name: string;
  metadata: Record<string, string> | null;
  policies: string[];
  disabled: boolean;
  aliases: Alias[];
  creationTime: number;
  lastUpdateTime: number;
}

export interface Group {
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

export interface FoundAlias {
  alias: Alias;
  entity: Entity;
}

/** Entities and groups, with the lookups Vault's identity store makes (names case-insensitive). */
export class IdentityState {
  readonly entities = new Map<string, Entity>();
  readonly groups = new Map<string, Group>();

  constructor(
    /** The auth mount an alias's accessor names, if it still exists. */
    readonly authMountByAccessor: (accessor: string) => MountEntry | undefined,
  ) {}

  clear(): void {
    this.entities.clear();
    this.groups.clear();
  }

  entityByName(name: string): Entity | undefined {
    const lower = name.toLowerCase();
    return Array.from(this.entities.values()).find(
      e => e.name.toLowerCase() === lower,
    );
  }

  groupByName(name: string): Group | undefined {
    const lower = name.toLowerCase();
    return Array.from(this.groups.values()).find(
      g => g.name.toLowerCase() === lower,
    );
  }

  aliasById(id: string): FoundAlias | undefined {
    for (const entity of this.entities.values()) {
      const alias = entity.aliases.find(a => a.id === id);
      if (alias) return { alias, entity };
    }
    return undefined;
  }

  aliasByFactors(mountAccessor: string, name: string): FoundAlias | undefined {
    for (const entity of this.entities.values()) {
      const alias = entity.aliases.find(
        a => a.mountAccessor === mountAccessor && a.name === name,
      );
      if (alias) return { alias, entity };
    }
    return undefined;
  }

  /** Groups that list the entity directly, and the groups that contain those (transitively). */
  groupsOfEntity(entityId: string): { direct: Group[]; inherited: Group[] } {
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
}

export function newEntity(name: string | undefined, now: number): Entity {
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

export function newAlias(
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
