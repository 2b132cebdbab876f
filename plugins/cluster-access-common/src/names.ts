/**
 * Deterministic mapping of Backstage identities to the user and group names
 * that go into Kubernetes client certificates (CN and O). Pure functions, so
 * that the backend, the page and the CLI compute the same names.
 *
 * The mapping of catalog refs is injective: two different entities never get
 * the same name. Entities in the `default` namespace keep their bare name
 * (`user:default/alice` → `alice`); entities anywhere else are qualified with
 * their namespace and a `/` (`user:eu/alice` → `eu/alice`), a character that
 * no entity name or namespace can hold. Names are not folded or rewritten:
 * a ref whose parts fall outside the catalog's default character set, or
 * whose name would not fit in a certificate, gets no name at all.
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
 * Group name patterns that never go into a certificate, whatever the
 * configuration says: Kubernetes' own `system:` groups and the groups kubeadm
 * binds to cluster-admin (`kubeadm:cluster-admins`). `*` is a wildcard.
 *
 * @public
 */
export const BUILT_IN_DENIED_GROUPS: readonly string[] = [
  'system:*',
  'kubeadm:*',
];

/**
 * Username formats the backend accepts for `clusterAccess.certificates.usernameFormat`:
 * `{{name}}` qualifies only entities outside the `default` namespace
 * (`alice`, `eu/alice`); `{{namespace}}/{{name}}` qualifies every entity
 * (`default/alice`, `eu/alice`).
 *
 * @public
 */
export const CERTIFICATE_USERNAME_FORMATS = [
  '{{name}}',
  '{{namespace}}/{{name}}',
] as const;

/**
 * One of {@link CERTIFICATE_USERNAME_FORMATS}.
 *
 * @public
 */
export type CertificateUsernameFormat =
  (typeof CERTIFICATE_USERNAME_FORMATS)[number];

const DEFAULT_NAMESPACE = 'default';
// The catalog's default validators (KubernetesValidatorFunctions): object
// names of up to 63 characters from [A-Za-z0-9-_.], namespaces DNS labels.
// Compared lowercase: the catalog treats refs case-insensitively.
const ENTITY_NAME = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;
const ENTITY_NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Reads `clusterAccess.certificates.usernameFormat`. Throws an error that
 * names the replacement for formats that are no longer accepted.
 *
 * @public
 */
export function parseCertificateUsernameFormat(
  value: string | undefined,
): CertificateUsernameFormat {
  const format = value ?? '{{name}}';
  if ((CERTIFICATE_USERNAME_FORMATS as readonly string[]).includes(format)) {
    return format as CertificateUsernameFormat;
  }
  if (format === '{{namespace}}-{{name}}') {
    throw new Error(
      "clusterAccess.certificates.usernameFormat '{{namespace}}-{{name}}' is no longer supported: it gives two users the same name (user:a-b/c and user:a/b-c both become 'a-b-c'). Use '{{namespace}}/{{name}}' to qualify every user with their namespace, or '{{name}}' (the default) to qualify only users outside the default namespace. Kubernetes user names change, so update RoleBindings that name users.",
    );
  }
  throw new Error(
    `clusterAccess.certificates.usernameFormat must be one of ${CERTIFICATE_USERNAME_FORMATS.map(
      f => `'${f}'`,
    ).join(', ')}, got '${format}'`,
  );
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
 * Turns free text (a Vault group name) into a name that is safe in a
 * certificate subject and in Kubernetes RBAC subjects: accents and
 * compatibility forms folded, lowercase, only `a-z 0-9 - . : _` (every other
 * run of characters, `/` included, becomes one `-`), no leading or trailing
 * separators. Returns `undefined` when nothing is left, the result is longer
 * than `maxLength` (default {@link MAX_CERTIFICATE_NAME_LENGTH}) or it would
 * be reserved (`system:...`). Not injective (`Team A` and `team-a` meet), so
 * never used for catalog refs.
 *
 * @public
 */
export function sanitizeCertificateName(
  text: string,
  options: { maxLength?: number } = {},
): string | undefined {
  const maxLength = options.maxLength ?? MAX_CERTIFICATE_NAME_LENGTH;
  const name = text
    // Compatibility decomposition, then drop the combining marks: "Ü" → "u",
    // fullwidth "ｓ" → "s".
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\-.:_]+/g, '-')
    .replace(/^[-.:_]+/, '')
    .replace(/[-.:_]+$/, '');
  if (!name || name.length > maxLength || isReservedKubernetesName(name)) {
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
    namespace: (match[2] ?? DEFAULT_NAMESPACE).toLowerCase(),
    name: match[3].toLowerCase(),
  };
}

/** The name of an entity's parts, or why it has none. */
type Mapped = { name: string } | { problem: string };

function mapEntityRef(
  ref: string,
  kind: string,
  qualifyDefault: boolean,
): Mapped {
  let parts;
  try {
    parts = splitEntityRef(ref);
  } catch {
    return { problem: `'${ref}' is not an entity ref` };
  }
  if (parts.kind && parts.kind !== kind) {
    return { problem: `'${ref}' is not a ${kind} entity ref` };
  }
  if (!ENTITY_NAMESPACE.test(parts.namespace)) {
    return {
      problem: `the namespace '${parts.namespace}' of '${ref}' is not a DNS label (a-z, 0-9, '-'; at most 63 characters)`,
    };
  }
  if (!ENTITY_NAME.test(parts.name)) {
    return {
      problem: `the name '${parts.name}' of '${ref}' is not a catalog name (a-z, 0-9, '-', '_', '.'; at most 63 characters)`,
    };
  }
  const name =
    parts.namespace === DEFAULT_NAMESPACE && !qualifyDefault
      ? parts.name
      : `${parts.namespace}/${parts.name}`;
  if (name.length > MAX_CERTIFICATE_NAME_LENGTH) {
    return {
      problem: `'${name}' is longer than the ${MAX_CERTIFICATE_NAME_LENGTH} characters a certificate name may have`,
    };
  }
  return { name };
}

/**
 * The certificate username (CN) of a user entity ref, or why there is none:
 * `user:default/alice` → `alice`, `user:eu/alice` → `eu/alice` (with
 * `{{namespace}}/{{name}}`, also `default/alice`).
 *
 * @public
 */
export function resolveCertificateUsername(options: {
  userEntityRef: string;
  format?: CertificateUsernameFormat;
}): { username: string } | { problem: string } {
  const mapped = mapEntityRef(
    options.userEntityRef,
    'user',
    options.format === '{{namespace}}/{{name}}',
  );
  return 'name' in mapped ? { username: mapped.name } : mapped;
}

/**
 * {@link resolveCertificateUsername} without the reason: `undefined` when no
 * certificate may be issued to the user.
 *
 * @public
 */
export function certificateUsernameFromEntityRef(options: {
  userEntityRef: string;
  format?: CertificateUsernameFormat;
}): string | undefined {
  const resolved = resolveCertificateUsername(options);
  return 'username' in resolved ? resolved.username : undefined;
}

/**
 * Maps one free-text group name (a Vault group) through the configured prefix
 * and {@link sanitizeCertificateName}. `undefined` when it must not be
 * emitted.
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
 * True when the group matches one of the patterns, ignoring case; `*` in a
 * pattern matches any run of characters (including none), everything else
 * matches literally.
 *
 * @public
 */
export function matchesGroupPattern(
  group: string,
  patterns: readonly string[],
): boolean {
  const name = group.normalize('NFKC').toLowerCase();
  return patterns.some(pattern => groupPatternRegex(pattern).test(name));
}

// The patterns come from configuration, so the same few are matched on
// every issuance: compile each once (bounded, in case they are not).
const patternRegexes = new Map<string, RegExp>();

function groupPatternRegex(pattern: string): RegExp {
  let regex = patternRegexes.get(pattern);
  if (!regex) {
    regex = new RegExp(
      `^${pattern
        .toLowerCase()
        .split('*')
        .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    );
    if (patternRegexes.size >= 256) patternRegexes.clear();
    patternRegexes.set(pattern, regex);
  }
  return regex;
}

/**
 * A group that was left out of a certificate, and why.
 *
 * @public
 */
export interface DroppedCertificateGroup {
  /** Where the group came from: the catalog or Vault's identity store. */
  source: 'catalog' | 'vault';
  /** The catalog Group ref or the Vault group name. */
  name: string;
  /** Why it was left out, for the logs. */
  reason: string;
}

/**
 * Options of {@link computeCertificateGroups}.
 *
 * @public
 */
export interface CertificateGroupsOptions {
  /** Names of the user's Vault identity groups. */
  vaultGroups?: string[];
  /** The user's ownership entity refs; only `group:` refs count. */
  ownershipEntityRefs?: string[];
  /** Put before every group name, e.g. `backstage:`. */
  prefix?: string;
  /** Default true. */
  includeVaultGroups?: boolean;
  /** When not empty, only groups matching one of these patterns are kept. */
  allowedGroups?: string[];
  /** Patterns that are dropped, besides {@link BUILT_IN_DENIED_GROUPS}. */
  deniedGroups?: string[];
}

function groupVerdict(
  name: string,
  options: CertificateGroupsOptions,
): string | undefined {
  if (name.length > MAX_CERTIFICATE_NAME_LENGTH) {
    return `'${name}' is longer than ${MAX_CERTIFICATE_NAME_LENGTH} characters`;
  }
  if (matchesGroupPattern(name, BUILT_IN_DENIED_GROUPS)) {
    return `'${name}' is reserved by Kubernetes or kubeadm`;
  }
  if (matchesGroupPattern(name, options.deniedGroups ?? [])) {
    return `'${name}' matches clusterAccess.certificates.deniedGroups`;
  }
  if (
    options.allowedGroups?.length &&
    !matchesGroupPattern(name, options.allowedGroups)
  ) {
    return `'${name}' does not match clusterAccess.certificates.allowedGroups`;
  }
  return undefined;
}

/**
 * The groups (O values) of a certificate, with the groups that were left out
 * and why. Catalog Groups (group refs among the ownership refs) are named like
 * users, `payments` or `eu/payments`; Vault groups (when included) are
 * sanitised. The prefix goes before both; then the built-in and configured
 * deny patterns and the allow patterns apply to both alike. Sorted and
 * de-duplicated.
 *
 * @public
 */
export function explainCertificateGroups(options: CertificateGroupsOptions): {
  groups: string[];
  dropped: DroppedCertificateGroup[];
} {
  const prefix = options.prefix ?? '';
  const result = new Set<string>();
  const dropped: DroppedCertificateGroup[] = [];
  const consider = (
    source: DroppedCertificateGroup['source'],
    name: string,
    mapped: Mapped,
  ) => {
    if ('problem' in mapped) {
      dropped.push({ source, name, reason: mapped.problem });
      return;
    }
    const reason = groupVerdict(mapped.name, options);
    if (reason) dropped.push({ source, name, reason });
    else result.add(mapped.name);
  };
  if (options.includeVaultGroups ?? true) {
    for (const name of options.vaultGroups ?? []) {
      const mapped = mapCertificateGroupName({ name, prefix });
      consider(
        'vault',
        name,
        mapped
          ? { name: mapped }
          : { problem: 'it is empty, too long or reserved once sanitised' },
      );
    }
  }
  for (const ref of options.ownershipEntityRefs ?? []) {
    if (!/^group:/i.test(ref.trim())) continue;
    const mapped = mapEntityRef(ref, 'group', false);
    consider(
      'catalog',
      ref,
      'name' in mapped ? { name: `${prefix}${mapped.name}` } : mapped,
    );
  }
  return { groups: [...result].sort(), dropped };
}

/**
 * The groups (O values) of a certificate: {@link explainCertificateGroups}
 * without the explanation.
 *
 * @public
 */
export function computeCertificateGroups(
  options: CertificateGroupsOptions,
): string[] {
  return explainCertificateGroups(options).groups;
}
