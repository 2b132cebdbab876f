import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_HAS_MEMBER,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * A catalog Group with its direct members.
 *
 * @public
 */
export interface GroupInfo {
  ref: string;
  /** User entity refs of the direct members. */
  members: string[];
}

/**
 * Reads Groups and Users from the catalog, with the plugin's own service
 * credentials (membership is not secret, and the reconciler has no user).
 *
 * @public
 */
export interface GroupDirectory {
  /** Groups by entity ref; a ref that is not a Group in the catalog maps to undefined. */
  getGroups(refs: string[]): Promise<Map<string, GroupInfo | undefined>>;

  /** Whether the entity ref names a User in the catalog. */
  userExists(ref: string): Promise<boolean>;
}

/** Normalises an entity ref (`group:payments` → `group:default/payments`). */
export function normalizeRef(ref: string, defaultKind: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  );
}

function membersOf(entity: Entity): string[] {
  return [
    ...new Set(
      (entity.relations ?? [])
        .filter(
          r =>
            r.type === RELATION_HAS_MEMBER &&
            parseEntityRef(r.targetRef).kind.toLocaleLowerCase('en-US') ===
              'user',
        )
        .map(r => r.targetRef),
    ),
  ].sort();
}

/**
 * {@link GroupDirectory} over the catalog service.
 *
 * @public
 */
export class CatalogGroupDirectory implements GroupDirectory {
  constructor(
    private readonly options: {
      catalog: Pick<CatalogService, 'getEntitiesByRefs' | 'getEntityByRef'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
    },
  ) {}

  async getGroups(refs: string[]): Promise<Map<string, GroupInfo | undefined>> {
    const unique = [...new Set(refs)];
    const result = new Map<string, GroupInfo | undefined>();
    if (unique.length === 0) return result;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    // One batched call for all owners, so the reconciler makes one catalog
    // request per run rather than one per namespace.
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: unique,
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'],
      },
      { credentials },
    );
    unique.forEach((ref, i) => {
      const entity = items[i];
      result.set(
        ref,
        entity && entity.kind.toLocaleLowerCase('en-US') === 'group'
          ? { ref, members: membersOf(entity) }
          : undefined,
      );
    });
    return result;
  }

  async userExists(ref: string): Promise<boolean> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    return entity?.kind.toLocaleLowerCase('en-US') === 'user';
  }
}
