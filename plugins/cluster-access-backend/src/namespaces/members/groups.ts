import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * A catalog Group with its direct members.
 *
 * @internal
 */
export interface GroupInfo {
  ref: string;
  /** User entity refs of the direct members. */
  members: string[];
}

/**
 * A catalog User with the Groups they are a direct member of.
 *
 * @internal
 */
export interface UserInfo {
  ref: string;
  /** Group entity refs of the User's direct memberships. */
  groups: string[];
}

/**
 * Reads Groups and Users from the catalog, with the plugin's own service
 * credentials (membership is not secret, and the reconciler has no user).
 *
 * @internal
 */
export interface GroupDirectory {
  /** Groups by entity ref; a ref that is not a Group in the catalog maps to undefined. */
  getGroups(refs: string[]): Promise<Map<string, GroupInfo | undefined>>;

  /** Whether the entity ref names a User in the catalog. */
  userExists(ref: string): Promise<boolean>;

  /** Users by entity ref, in one catalog read; a ref that is not a User maps to undefined. */
  getUsers(refs: string[]): Promise<Map<string, UserInfo | undefined>>;
}

/** Normalises an entity ref (`group:payments` → `group:default/payments`). */
export function normalizeRef(ref: string, defaultKind: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  );
}

/**
 * {@link normalizeRef} for input: a ref that does not parse is a 400 naming
 * the field.
 */
export function parseRefInput(ref: string, kind: string, what: string): string {
  try {
    return normalizeRef(ref, kind);
  } catch (e) {
    throw new InputError(`${what}: ${(e as Error).message}`);
  }
}

/**
 * Entity refs compare case-insensitively, as in the catalog.
 *
 * @internal
 */
export function isSameEntity(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/**
 * Whether a user is a direct member of a Group as the catalog says now. The
 * token's ownership claims are not used: they can be an hour old, and a
 * leaver must lose the right to change a namespace when the catalog says so.
 */
export function isMemberOf(
  group: GroupInfo | undefined,
  user: string,
): boolean {
  return !!group?.members.some(member => isSameEntity(member, user));
}

function related(entity: Entity, type: string, kind: string): string[] {
  return [
    ...new Set(
      (entity.relations ?? [])
        .filter(
          r =>
            r.type === type &&
            parseEntityRef(r.targetRef).kind.toLocaleLowerCase('en-US') ===
              kind,
        )
        .map(r => r.targetRef),
    ),
  ].sort();
}

const isKind = (entity: Entity | null | undefined, kind: string) =>
  entity?.kind.toLocaleLowerCase('en-US') === kind;

/**
 * {@link GroupDirectory} over the catalog service.
 *
 * @internal
 */
export class CatalogGroupDirectory implements GroupDirectory {
  constructor(
    private readonly options: {
      catalog: Pick<CatalogService, 'getEntitiesByRefs' | 'getEntityByRef'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
    },
  ) {}

  /**
   * Entities by ref in one batched call, so that the reconciler makes one
   * catalog request per run rather than one per namespace.
   */
  private async getEntities(
    refs: string[],
  ): Promise<Map<string, Entity | undefined>> {
    const unique = [...new Set(refs)];
    const result = new Map<string, Entity | undefined>();
    if (unique.length === 0) return result;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: unique,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'],
      },
      { credentials },
    );
    unique.forEach((ref, i) => result.set(ref, items[i] ?? undefined));
    return result;
  }

  async getGroups(refs: string[]): Promise<Map<string, GroupInfo | undefined>> {
    const result = new Map<string, GroupInfo | undefined>();
    for (const [ref, entity] of await this.getEntities(refs)) {
      result.set(
        ref,
        entity && isKind(entity, 'group')
          ? { ref, members: related(entity, RELATION_HAS_MEMBER, 'user') }
          : undefined,
      );
    }
    return result;
  }

  async getUsers(refs: string[]): Promise<Map<string, UserInfo | undefined>> {
    const result = new Map<string, UserInfo | undefined>();
    for (const [ref, entity] of await this.getEntities(refs)) {
      result.set(
        ref,
        entity && isKind(entity, 'user')
          ? { ref, groups: related(entity, RELATION_MEMBER_OF, 'group') }
          : undefined,
      );
    }
    return result;
  }

  async userExists(ref: string): Promise<boolean> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    return isKind(entity, 'user');
  }
}
