/**
 * Deterministic mapping of Backstage identities to the user and group names
 * that go into Kubernetes client certificates (CN and O). Pure functions, so
 * that the backend, the page and the CLI compute the same names.
 */

/**
 * Longest CN or O value we emit: the X.509 upper bound for both attributes
 * (RFC 5280 ub-common-name and ub-organization-name).
 *
 * @public
 */
export const MAX_CERTIFICATE_NAME_LENGTH = 64;

/**
 * Kubernetes reserves every user and group name under this prefix for its own
 * components (`system:masters` is cluster-admin). Certificates never carry one.
 *
 * @public
 */
export const RESERVED_KUBERNETES_NAME_PREFIX = 'system:';

/**
 * Username formats the backend accepts for `clusterAccess.certificates.usernameFormat`.
 *
 * @public
 */
export const CERTIFICATE_USERNAME_FORMATS = [
  '{{name}}',
  '{{namespace}}-{{name}}',
] as const;

/**
 * One of {@link CERTIFICATE_USERNAME_FORMATS}.
 *
 * @public
 */
export type CertificateUsernameFormat =
  (typeof CERTIFICATE_USERNAME_FORMATS)[number];

// FNV-1a, 32 bit: a tiny synchronous hash that behaves the same in the browser
// and in Node. Only used to keep truncated names apart, not for security.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * True when Kubernetes would treat the name as one of its own (`system:...`).
 *
 * @public
 */
export function isReservedKubernetesName(name: string): boolean {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .startsWith(RESERVED_KUBERNETES_NAME_PREFIX);
}

/**
 * Turns any text into a name that is safe in a certificate subject and in
 * Kubernetes RBAC subjects: accents and compatibility forms folded, lowercase, only `a-z 0-9 - . : _`
 * (every other run of characters becomes one `-`), no leading or trailing
 * separators, at most {@link MAX_CERTIFICATE_NAME_LENGTH} characters. Longer
 * names keep a prefix plus a hash of the full name, so that two long names
 * stay distinct. Returns `undefined` when nothing is left or the result would
 * be reserved (`system:...`).
 *
 * @public
 */
export function sanitizeCertificateName(
  text: string,
  options: { maxLength?: number } = {},
): string | undefined {
  const maxLength = Math.max(
    16,
    Math.min(options.maxLength ?? MAX_CERTIFICATE_NAME_LENGTH, 1024),
  );
  let name = text
    // Compatibility decomposition, then drop the combining marks: "Ü" → "u",
    // fullwidth "ｓ" → "s".
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\-.:_]+/g, '-')
    .replace(/^[-.:_]+/, '')
    .replace(/[-.:_]+$/, '');
  if (name.length > maxLength) {
    const suffix = `-${fnv1a(name)}`;
    name =
      name.slice(0, maxLength - suffix.length).replace(/[-.:_]+$/, '') + suffix;
  }
  if (!name || isReservedKubernetesName(name)) {
    return undefined;
  }
  return name;
}

/**
 * The parts of an entity ref (`kind:namespace/name`), with the defaults of the
 * catalog model applied (namespace `default`). Kept local so that this module
 * has no dependencies.
 */
function splitEntityRef(ref: string): {
  kind: string;
  namespace: string;
  name: string;
} {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!match) {
    throw new TypeError(`Invalid entity ref '${ref}'`);
  }
  return {
    kind: (match[1] ?? '').toLowerCase(),
    namespace: match[2] ?? 'default',
    name: match[3],
  };
}

/**
 * The certificate username (CN) of a user entity ref, e.g. `user:default/alice`
 * → `alice` with the default format, `default-alice` with
 * `{{namespace}}-{{name}}`. Returns `undefined` when the result would be empty
 * or reserved, in which case no certificate may be issued.
 *
 * @public
 */
export function certificateUsernameFromEntityRef(options: {
  userEntityRef: string;
  format?: CertificateUsernameFormat;
}): string | undefined {
  const { namespace, name } = splitEntityRef(options.userEntityRef);
  const format = options.format ?? '{{name}}';
  const raw = format
    .replace('{{namespace}}', namespace)
    .replace('{{name}}', name);
  return sanitizeCertificateName(raw);
}

/**
 * Maps one group name through the configured prefix and
 * {@link sanitizeCertificateName}. `undefined` when it must not be emitted.
 *
 * @public
 */
export function mapCertificateGroupName(options: {
  name: string;
  prefix?: string;
}): string | undefined {
  return sanitizeCertificateName(`${options.prefix ?? ''}${options.name}`);
}

/**
 * True when the group matches one of the patterns; `*` in a pattern matches
 * any run of characters (including none), everything else matches literally.
 *
 * @public
 */
export function matchesGroupPattern(
  group: string,
  patterns: string[],
): boolean {
  return patterns.some(pattern => {
    const regex = new RegExp(
      `^${pattern
        .split('*')
        .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return regex.test(group);
  });
}

/**
 * The groups (O values) of a certificate: the user's Vault identity groups (if
 * included) and catalog Group memberships (group entity refs among the
 * ownership refs), each mapped through the prefix and sanitised, restricted
 * to `allowedGroups` when that list is not empty (patterns match the mapped
 * names), sorted and de-duplicated. Reserved names are dropped.
 *
 * @public
 */
export function computeCertificateGroups(options: {
  /** Names of the user's Vault identity groups. */
  vaultGroups?: string[];
  /** The user's ownership entity refs; only `group:` refs count. */
  ownershipEntityRefs?: string[];
  prefix?: string;
  /** Default true. */
  includeVaultGroups?: boolean;
  /** When not empty, only groups matching one of these patterns are kept. */
  allowedGroups?: string[];
}): string[] {
  const candidates: string[] = [];
  if (options.includeVaultGroups ?? true) {
    candidates.push(...(options.vaultGroups ?? []));
  }
  for (const ref of options.ownershipEntityRefs ?? []) {
    let parts;
    try {
      parts = splitEntityRef(ref);
    } catch {
      continue;
    }
    if (parts.kind === 'group') {
      candidates.push(parts.name);
    }
  }
  const result = new Set<string>();
  for (const candidate of candidates) {
    const mapped = mapCertificateGroupName({
      name: candidate,
      prefix: options.prefix,
    });
    if (!mapped) continue;
    if (
      options.allowedGroups?.length &&
      !matchesGroupPattern(mapped, options.allowedGroups)
    ) {
      continue;
    }
    result.add(mapped);
  }
  return [...result].sort();
}
