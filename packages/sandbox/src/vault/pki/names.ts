import { domainToASCII } from 'node:url';
import { globMatch } from '../glob';
import type { PkiRole } from './state';

/** Vault's name checks for certificates (`ValidateNames`, `ValidateCommonName`). */

const LABEL = '([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])';
const HOSTNAME_REGEX = new RegExp(`^(\\*\\.)?(${LABEL}\\.)*${LABEL}\\.?$`);
const LEFT_WILD_LABEL_REGEX = new RegExp(
  `^(\\*|\\*${LABEL}|${LABEL}\\*|${LABEL}\\*${LABEL})$`,
);

/** The name's IDNA (punycode) form when it is a hostname, as Go's `idna` + `hostnameRegex` accept it. */
export function asHostname(name: string): string | undefined {
  const converted = domainToASCII(name);
  return converted && HOSTNAME_REGEX.test(converted) ? converted : undefined;
}

/** A requested name taken apart as `ValidateNames` does: email domain and wildcard label. */
interface NameParts {
  name: string;
  /** The name without the email local part and without the wildcard label. */
  reduced: string;
  emailDomain: string;
  isEmail: boolean;
  isWildcard: boolean;
  wildcardLabel: string;
}

/** Splits a name and checks its form; undefined when the role refuses it for its form alone. */
function parseName(role: PkiRole, name: string): NameParts | undefined {
  const parts: NameParts = {
    name,
    reduced: name,
    emailDomain: name,
    isEmail: false,
    isWildcard: false,
    wildcardLabel: '',
  };
  if (parts.reduced.includes('@')) {
    const split = parts.reduced.split('@');
    if (split.length !== 2) return undefined;
    parts.reduced = split[1];
    parts.emailDomain = split[1];
    parts.isEmail = true;
  }
  if (parts.reduced.includes('*')) {
    parts.isWildcard = true;
    if (!role.allow_wildcard_certificates) return undefined;
    if ((parts.reduced.match(/\*/g) ?? []).length > 1) return undefined;
    const labels = parts.reduced.split(/\.(.*)/s);
    parts.wildcardLabel = labels[0];
    if (labels.length < 2 || labels[1] === undefined) {
      parts.reduced = '';
    } else {
      parts.reduced = labels[1];
      if (parts.reduced.includes('*')) return undefined;
    }
  }
  if (parts.isEmail && parts.isWildcard) return undefined;
  if (role.enforce_hostnames) {
    if (parts.reduced !== '' && !asHostname(parts.reduced)) return undefined;
    if (parts.isWildcard && !LEFT_WILD_LABEL_REGEX.test(parts.wildcardLabel))
      return undefined;
  }
  return parts;
}

function allowedAsLocalhost(role: PkiRole, parts: NameParts): boolean {
  const { reduced, isEmail, isWildcard, emailDomain } = parts;
  const local = ['localhost', 'localdomain'];
  if (local.includes(reduced) || (isEmail && local.includes(emailDomain))) {
    return true;
  }
  if (!role.allow_subdomains) return false;
  return local.some(
    domain =>
      reduced.endsWith(`.${domain}`) || (isWildcard && reduced === domain),
  );
}

function allowedByDomain(
  role: PkiRole,
  parts: NameParts,
  domain: string,
): boolean {
  const { name, reduced, isEmail, isWildcard, emailDomain } = parts;
  const lower = domain.toLowerCase();
  if (
    role.allow_bare_domains &&
    (name.toLowerCase() === lower ||
      (isEmail && emailDomain.toLowerCase() === lower))
  ) {
    return true;
  }
  if (
    role.allow_subdomains &&
    (reduced.endsWith(`.${domain}`) ||
      (isWildcard && reduced.toLowerCase() === lower))
  ) {
    return true;
  }
  return (
    role.allow_glob_domains &&
    domain.includes('*') &&
    globMatch(lower, name.toLowerCase())
  );
}

function allowedName(role: PkiRole, parts: NameParts): boolean {
  if (role.allow_any_name) return true;
  if (role.allow_localhost && allowedAsLocalhost(role, parts)) return true;
  return role.allowed_domains.some(
    domain => domain !== '' && allowedByDomain(role, parts, domain),
  );
}

/**
 * Vault's `ValidateNames` (without identity templating and token display names): the first name
 * the role does not allow, or undefined when it allows them all.
 */
export function validateNames(
  role: PkiRole,
  names: string[],
): string | undefined {
  for (const name of names) {
    const parts = parseName(role, name);
    if (!parts || !allowedName(role, parts)) return name;
  }
  return undefined;
}

/** Vault's `ValidateCommonName`: role name rules plus the `cn_validations` type check. */
export function validateCommonName(role: PkiRole, cn: string): boolean {
  if (role.cn_validations.length === 1 && role.cn_validations[0] === 'disabled')
    return true;
  if (validateNames(role, [cn]) !== undefined) return false;
  if (role.cn_validations.length === 0) return true;
  return cn.includes('@')
    ? role.cn_validations.includes('email')
    : role.cn_validations.includes('hostname');
}
