import { badRequest } from '../errors';
import {
  Body,
  getBool,
  getDuration,
  getInt,
  getList,
  getString,
  has,
} from '../fields';
import { listResult } from '../types';
import type { RequestContext, Route, VaultResult } from '../types';
import { DEFAULT_KEY_USAGE, EXT_KEY_USAGES } from './certs';
import { normalizeKeyBits, signatureBitsFor } from './keys';
import type { PkiMount, PkiRole } from './state';

/** `roles/:name` (Vault's `path_roles.go`) and the permissive role of `sign-verbatim`. */

export function defaultRole(): PkiRole {
  return {
    ttl: 0,
    max_ttl: 0,
    allow_localhost: true,
    allowed_domains: [],
    allowed_domains_template: false,
    allow_bare_domains: false,
    allow_subdomains: false,
    allow_glob_domains: false,
    allow_wildcard_certificates: true,
    allow_any_name: false,
    enforce_hostnames: true,
    allow_ip_sans: true,
    allowed_uri_sans: [],
    allowed_uri_sans_template: false,
    allowed_other_sans: [],
    allowed_serial_numbers: [],
    allowed_user_ids: [],
    server_flag: true,
    client_flag: true,
    code_signing_flag: false,
    email_protection_flag: false,
    key_type: 'rsa',
    key_bits: 0,
    signature_bits: 0,
    use_pss: false,
    key_usage: [...DEFAULT_KEY_USAGE],
    ext_key_usage: [],
    ext_key_usage_oids: [],
    use_csr_common_name: true,
    use_csr_sans: true,
    ou: [],
    organization: [],
    country: [],
    locality: [],
    province: [],
    street_address: [],
    postal_code: [],
    generate_lease: false,
    no_store: false,
    require_cn: true,
    cn_validations: ['email', 'hostname'],
    policy_identifiers: [],
    basic_constraints_valid_for_non_ca: false,
    not_before_duration: 30,
    not_after: '',
    issuer_ref: 'default',
  };
}

const ROLE_LIST_FIELDS: Array<keyof PkiRole> = [
  'allowed_domains',
  'allowed_uri_sans',
  'allowed_other_sans',
  'allowed_serial_numbers',
  'allowed_user_ids',
  'key_usage',
  'ext_key_usage',
  'ext_key_usage_oids',
  'ou',
  'organization',
  'country',
  'locality',
  'province',
  'street_address',
  'postal_code',
  'cn_validations',
  'policy_identifiers',
];

const ROLE_BOOL_FIELDS: Array<keyof PkiRole> = [
  'allow_localhost',
  'allowed_domains_template',
  'allow_bare_domains',
  'allow_subdomains',
  'allow_glob_domains',
  'allow_wildcard_certificates',
  'allow_any_name',
  'enforce_hostnames',
  'allow_ip_sans',
  'allowed_uri_sans_template',
  'server_flag',
  'client_flag',
  'code_signing_flag',
  'email_protection_flag',
  'use_pss',
  'use_csr_common_name',
  'use_csr_sans',
  'generate_lease',
  'no_store',
  'require_cn',
  'basic_constraints_valid_for_non_ca',
];

/** A role as a write to `roles/:name` defines it: every field not sent takes Vault's default. */
function roleFromBody(body: Body): PkiRole {
  const role = defaultRole();
  for (const field of ROLE_LIST_FIELDS) {
    if (has(body, field)) (role[field] as string[]) = getList(body, field);
  }
  for (const field of ROLE_BOOL_FIELDS) {
    if (has(body, field))
      (role[field] as boolean) = getBool(body, field, role[field] as boolean);
  }
  role.ttl = getDuration(body, 'ttl', 0);
  role.max_ttl = getDuration(body, 'max_ttl', 0);
  role.not_before_duration = getDuration(body, 'not_before_duration', 30);
  role.not_after = getString(body, 'not_after', '');
  role.issuer_ref = getString(body, 'issuer_ref', 'default');
  role.key_type = getString(body, 'key_type', 'rsa');
  role.key_bits = normalizeKeyBits(role.key_type, getInt(body, 'key_bits', 0));
  role.signature_bits = signatureBitsFor(
    role.key_type,
    role.key_bits,
    getInt(body, 'signature_bits', 0),
  );
  if (role.max_ttl > 0 && role.ttl > role.max_ttl) {
    throw badRequest('"ttl" value must be less than "max_ttl" value');
  }
  if (role.not_after && role.ttl > 0) {
    throw badRequest(
      'Either ttl or not_after should be provided. Both should not be provided in the same request.',
    );
  }
  return role;
}

function writeRole(pki: PkiMount, ctx: RequestContext): VaultResult {
  const role = roleFromBody(ctx.body);
  const unknownEkus = role.ext_key_usage.filter(
    n => !EXT_KEY_USAGES.some(([name]) => name === n.trim().toLowerCase()),
  );
  if (unknownEkus.length > 0) {
    pki.logger.warn(
      `pki role ${ctx.params.name}: ext_key_usage values ${unknownEkus.join(
        ', ',
      )} are unknown and will be ignored, as Vault does`,
    );
  }
  pki.state.roles.set(ctx.params.name, role);
  return { data: { ...role } };
}

export function readRole(pki: PkiMount, name: string): PkiRole {
  const role = pki.state.roles.get(name);
  if (!role) throw badRequest(`unknown role: ${name}`);
  return role;
}

/**
 * `pathSignVerbatim`'s role: permissive; only TTLs, no_store, not_before_duration and the
 * issuer come from the named role, and key usages come from the request.
 */
export function verbatimRole(stored: PkiRole | undefined, body: Body): PkiRole {
  return {
    ...defaultRole(),
    allow_any_name: true,
    enforce_hostnames: false,
    key_type: 'any',
    key_bits: 0,
    use_csr_common_name: true,
    use_csr_sans: true,
    require_cn: false,
    cn_validations: ['disabled'],
    allowed_other_sans: ['*'],
    allowed_serial_numbers: ['*'],
    allowed_uri_sans: ['*'],
    allowed_user_ids: ['*'],
    server_flag: false,
    client_flag: false,
    key_usage: has(body, 'key_usage')
      ? getList(body, 'key_usage')
      : [...DEFAULT_KEY_USAGE],
    ext_key_usage: getList(body, 'ext_key_usage'),
    ext_key_usage_oids: getList(body, 'ext_key_usage_oids'),
    ttl: stored?.ttl ?? 0,
    max_ttl: stored?.max_ttl ?? 0,
    no_store: stored?.no_store ?? false,
    not_before_duration: stored?.not_before_duration ?? 30,
    issuer_ref: stored?.issuer_ref ?? 'default',
  };
}

export function roleRoutes(pki: PkiMount): Route[] {
  const { roles } = pki.state;
  return [
    {
      pattern: 'roles',
      list: () => listResult(Array.from(roles.keys()).sort()),
    },
    {
      pattern: 'roles/:name',
      exists: ctx => roles.has(ctx.params.name),
      read: ctx => {
        const role = roles.get(ctx.params.name);
        return role ? { data: { ...role } } : null;
      },
      write: ctx => writeRole(pki, ctx),
      delete: ctx => {
        roles.delete(ctx.params.name);
        return null;
      },
    },
  ];
}
