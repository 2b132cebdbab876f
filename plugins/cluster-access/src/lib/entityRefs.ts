import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** The normalised form of an entity ref, or `undefined` when it is not one. */
function normalize(
  ref: string,
  context?: { defaultKind?: string; defaultNamespace?: string },
): string | undefined {
  try {
    return stringifyEntityRef(parseEntityRef(ref, context));
  } catch {
    return undefined;
  }
}

/**
 * Whether two entity refs name the same entity. The catalog compares refs
 * case-insensitively, and so does the backend (membership, self-approval).
 */
export function isSameEntityRef(a: string, b: string): boolean {
  const left = normalize(a);
  return left !== undefined && left === normalize(b);
}

/** The Group refs among a user's ownership refs, normalised and de-duplicated. */
export function groupRefsOf(ownershipEntityRefs: string[]): string[] {
  const groups = new Set<string>();
  for (const ref of ownershipEntityRefs) {
    const normalized = normalize(ref);
    if (normalized?.startsWith('group:')) groups.add(normalized);
  }
  return [...groups];
}

/** The name part of an entity ref (`group:default/payments` → `payments`). */
export function entityRefName(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

/**
 * A User entity ref from what someone typed: `bob`, `default/bob` or
 * `user:default/bob`. `undefined` for anything else (another kind, or not a
 * ref at all).
 */
export function toUserEntityRef(input: string): string | undefined {
  const text = input.trim();
  if (!text) return undefined;
  const ref = normalize(text, {
    defaultKind: 'user',
    defaultNamespace: 'default',
  });
  return ref?.startsWith('user:') ? ref : undefined;
}
