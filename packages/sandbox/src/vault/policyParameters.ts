/**
 * Parameter constraints of Vault ACL policies (`allowed_parameters`, `denied_parameters`,
 * `required_parameters`), parsed, merged and checked the way vault/policy.go and vault/acl.go
 * do: keys are case-insensitive, an empty value list means any value, `"*"` stands for every
 * key, and policies granting the same path merge their constraints.
 */

/** The constraints of one path block, or of several merged. */
export interface ParameterConstraints {
  allowed?: Record<string, unknown[]>;
  denied?: Record<string, unknown[]>;
  required?: string[];
}

function parameterMap(
  path: string,
  name: string,
  raw: unknown,
): Record<string, unknown[]> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`path "${path}": ${name} must be a map`);
  }
  const out: Record<string, unknown[]> = {};
  for (const [key, values] of Object.entries(raw)) {
    if (!Array.isArray(values)) {
      throw new Error(`path "${path}": ${name}.${key} must be a list`);
    }
    out[key.toLowerCase()] = values;
  }
  return out;
}

/** Reads the constraints of a path block; undefined when it has none. */
export function parseParameterConstraints(
  path: string,
  block: Record<string, unknown>,
): ParameterConstraints | undefined {
  const c: ParameterConstraints = {};
  if (block.allowed_parameters !== undefined)
    c.allowed = parameterMap(
      path,
      'allowed_parameters',
      block.allowed_parameters,
    );
  if (block.denied_parameters !== undefined)
    c.denied = parameterMap(path, 'denied_parameters', block.denied_parameters);
  if (block.required_parameters !== undefined) {
    if (!Array.isArray(block.required_parameters)) {
      throw new Error(`path "${path}": required_parameters must be a list`);
    }
    c.required = block.required_parameters.map(String);
  }
  return Object.keys(c).length > 0 ? c : undefined;
}

function mergeValueMaps(
  into: Record<string, unknown[]> | undefined,
  add: Record<string, unknown[]> | undefined,
): Record<string, unknown[]> | undefined {
  if (!add) return into;
  if (!into) return structuredClone(add);
  for (const [key, values] of Object.entries(add)) {
    const existing = into[key];
    // An empty list (any value) wins over any value list.
    if (values.length === 0 || (existing && existing.length === 0))
      into[key] = [];
    else into[key] = [...values, ...(existing ?? [])];
  }
  return into;
}

/** Merges `add` into `into`, as `NewACL` merges the permissions of one path. */
export function mergeParameterConstraints(
  into: ParameterConstraints,
  add: ParameterConstraints | undefined,
): void {
  if (!add) return;
  into.allowed = mergeValueMaps(into.allowed, add.allowed);
  into.denied = mergeValueMaps(into.denied, add.denied);
  if (add.required)
    into.required = [...new Set([...(into.required ?? []), ...add.required])];
}

function matchesOne(value: unknown, item: unknown): boolean {
  if (typeof item === 'string' && typeof value === 'string') {
    if (item === value) return true;
    if (item.length > 1 && item.endsWith('*'))
      return value.startsWith(item.slice(0, -1));
    if (item.length > 1 && item.startsWith('*'))
      return value.endsWith(item.slice(1));
    return false;
  }
  return JSON.stringify(item) === JSON.stringify(value);
}

function inList(value: unknown, list: unknown[]): boolean {
  return list.length === 0 || list.some(item => matchesOne(value, item));
}

/** Lists and comma-separated strings are checked element by element, as current Vault does. */
function elements(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value.includes(','))
    return value.split(',').map(s => s.trim());
  return undefined;
}

/** Whether request `data` satisfies the constraints (`AllowOperation`'s parameter checks). */
export function parametersAllowed(
  c: ParameterConstraints | undefined,
  data: Record<string, unknown>,
): boolean {
  if (!c) return true;
  const keys = new Map(Object.keys(data).map(k => [k.toLowerCase(), k]));
  for (const required of c.required ?? []) {
    if (!keys.has(required.toLowerCase())) return false;
  }
  if (keys.size === 0) return true;
  if (c.denied && Object.keys(c.denied).length > 0) {
    if ('*' in c.denied) return false;
    for (const [lower, key] of keys) {
      const list = c.denied[lower];
      if (!list) continue;
      const value = data[key];
      const parts = elements(value);
      if (inList(value, list)) return false;
      if (parts && list.length > 0 && parts.some(p => inList(p, list)))
        return false;
    }
  }
  if (!c.allowed || Object.keys(c.allowed).length === 0) return true;
  const allowAll = '*' in c.allowed;
  if (allowAll && Object.keys(c.allowed).length === 1) return true;
  for (const [lower, key] of keys) {
    const list = c.allowed[lower];
    if (!list) {
      if (allowAll) continue;
      return false;
    }
    const value = data[key];
    const parts = elements(value);
    if (inList(value, list)) continue;
    if (parts && parts.every(p => inList(p, list))) continue;
    return false;
  }
  return true;
}
