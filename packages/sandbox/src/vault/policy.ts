import {
  mergeParameterConstraints,
  ParameterConstraints,
  parametersAllowed,
  parseParameterConstraints,
} from './policyParameters';

/**
 * Vault ACL policies: a parser for the HCL (and JSON) policy language and an evaluator that
 * follows Vault's matching rules (exact paths, `*` prefix globs, `+` segment wildcards and the
 * documented priority order between them).
 */

/** Capabilities Vault understands in a `path` block. */
export const CAPABILITIES = [
  'create',
  'read',
  'update',
  'delete',
  'list',
  'sudo',
  'deny',
  'patch',
  'subscribe',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export interface PolicyRule {
  path: string;
  capabilities: Capability[];
  /** `allowed_parameters`, `denied_parameters`, `required_parameters`. */
  parameters?: ParameterConstraints;
}

/** The `policy = "..."` shorthand of pre-0.9 policies, still accepted by Vault. */
const LEGACY_POLICY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['read', 'list', 'create', 'update', 'delete'],
  sudo: ['read', 'list', 'create', 'update', 'delete', 'sudo'],
};

/**
 * Vault's built-in `default` policy, minus the paths that use identity templating (the peer
 * does not template policies). This is what lets every token look itself up and renew itself.
 */
export const DEFAULT_POLICY = `
# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its resultant ACL from all policies
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a given response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}
`;

// ---------------------------------------------------------------------------------------------
// HCL parsing

type Token =
  | { kind: 'string'; value: string; line: number }
  | { kind: 'ident'; value: string; line: number }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'punct'; value: string; line: number }
  | { kind: 'newline'; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      tokens.push({ kind: 'newline', line });
      line += 1;
      i += 1;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i += 1;
    } else if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        throw new Error(`At ${line}: comment not terminated`);
      }
      line += text.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (ch === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\n') {
          throw new Error(`At ${line}: literal not terminated`);
        }
        if (text[i] === '\\') {
          const next = text[i + 1];
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '"': '"',
            '\\': '\\',
          };
          value += escapes[next] ?? next;
          i += 2;
        } else {
          value += text[i];
          i += 1;
        }
      }
      if (text[i] !== '"') {
        throw new Error(`At ${line}: literal not terminated`);
      }
      i += 1;
      tokens.push({ kind: 'string', value, line });
    } else if ('{}[]=,:'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, line });
      i += 1;
    } else if (/[0-9-]/.test(ch)) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!match) {
        throw new Error(`At ${line}: illegal char "${ch}"`);
      }
      tokens.push({ kind: 'number', value: Number(match[0]), line });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', value: match[0], line });
      i += match[0].length;
    } else {
      throw new Error(`At ${line}: illegal char "${ch}"`);
    }
  }
  return tokens;
}

type HclValue = string | number | boolean | HclValue[] | HclObject;
interface HclObject {
  [key: string]: HclValue | HclObject[];
}

class HclParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private skipNewlines() {
    while (this.tokens[this.pos]?.kind === 'newline') this.pos += 1;
  }

  private peek(): Token | undefined {
    this.skipNewlines();
    return this.tokens[this.pos];
  }

  private next(): Token {
    this.skipNewlines();
    const token = this.tokens[this.pos];
    if (!token) {
      throw new Error('unexpected end of policy');
    }
    this.pos += 1;
    return token;
  }

  /** Parses a sequence of `key = value` and `key "label" { ... }` items until `}` or EOF. */
  parseBody(
    untilBrace: boolean,
  ): Array<{ key: string; labels: string[]; value: HclValue }> {
    const items: Array<{ key: string; labels: string[]; value: HclValue }> = [];
    for (;;) {
      const token = this.peek();
      if (!token) {
        if (untilBrace) {
          throw new Error('object expected closing RBRACE');
        }
        return items;
      }
      if (token.kind === 'punct' && token.value === '}') {
        if (!untilBrace) {
          throw new Error(`At ${token.line}: unexpected "}"`);
        }
        this.pos += 1;
        return items;
      }
      if (token.kind === 'punct' && token.value === ',') {
        this.pos += 1;
        continue;
      }
      if (token.kind !== 'ident' && token.kind !== 'string') {
        throw new Error(`At ${token.line}: expected a key`);
      }
      this.pos += 1;
      const key = String(token.value);
      const labels: string[] = [];
      for (;;) {
        const after = this.peek();
        if (after?.kind === 'string') {
          labels.push(after.value);
          this.pos += 1;
        } else {
          break;
        }
      }
      const after = this.next();
      if (
        after.kind === 'punct' &&
        (after.value === '=' || after.value === ':')
      ) {
        items.push({ key, labels, value: this.parseValue() });
      } else if (after.kind === 'punct' && after.value === '{') {
        items.push({ key, labels, value: this.toObject(this.parseBody(true)) });
      } else {
        throw new Error(
          `At ${after.line}: key '${key}' expected start of object ('{') or assignment ('=')`,
        );
      }
    }
  }

  private toObject(
    items: Array<{ key: string; labels: string[]; value: HclValue }>,
  ): HclObject {
    const obj: HclObject = {};
    for (const item of items) {
      obj[item.key] = item.value;
    }
    return obj;
  }

  private parseValue(): HclValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') {
      return token.value;
    }
    if (token.kind === 'ident') {
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      throw new Error(`At ${token.line}: unknown token ${token.value}`);
    }
    if (token.kind === 'punct' && token.value === '[') {
      const list: HclValue[] = [];
      for (;;) {
        const peek = this.peek();
        if (!peek) {
          throw new Error(`At ${token.line}: list not terminated`);
        }
        if (peek.kind === 'punct' && peek.value === ']') {
          this.pos += 1;
          return list;
        }
        if (peek.kind === 'punct' && peek.value === ',') {
          this.pos += 1;
          continue;
        }
        list.push(this.parseValue());
      }
    }
    if (token.kind === 'punct' && token.value === '{') {
      return this.toObject(this.parseBody(true));
    }
    throw new Error(`At ${token.line}: unexpected token`);
  }
}

function normalizeCapabilities(
  path: string,
  raw: unknown,
  legacy: unknown,
): Capability[] {
  const capabilities = new Set<Capability>();
  if (raw !== undefined) {
    if (!Array.isArray(raw)) {
      throw new Error(`path "${path}": capabilities must be a list`);
    }
    for (const item of raw) {
      const cap = String(item).toLowerCase();
      if (!(CAPABILITIES as readonly string[]).includes(cap)) {
        throw new Error(`path "${path}": invalid capability "${item}"`);
      }
      capabilities.add(cap as Capability);
    }
  }
  if (legacy !== undefined) {
    const mapped = LEGACY_POLICY[String(legacy).toLowerCase()];
    if (!mapped) {
      throw new Error(`path "${path}": invalid policy "${legacy}"`);
    }
    mapped.forEach(cap => capabilities.add(cap));
  }
  return capabilities.has('deny') ? ['deny'] : Array.from(capabilities);
}

function ruleOf(path: string, block: Record<string, unknown>): PolicyRule {
  const rule: PolicyRule = {
    path,
    capabilities: normalizeCapabilities(path, block.capabilities, block.policy),
  };
  const parameters = parseParameterConstraints(path, block);
  if (parameters) rule.parameters = parameters;
  return rule;
}

/**
 * Parses a policy document (HCL or JSON) into its path rules.
 * Throws an `Error` whose message is suitable for Vault's `failed to parse policy: ...`.
 */
export function parsePolicy(text: string): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`invalid JSON policy: ${(e as Error).message}`);
    }
    const paths =
      (doc as { path?: Record<string, Record<string, unknown>> }).path ?? {};
    for (const [path, block] of Object.entries(paths)) {
      rules.push(ruleOf(path, block));
    }
    return rules;
  }
  const items = new HclParser(tokenize(text)).parseBody(false);
  for (const item of items) {
    if (item.key === 'name') {
      continue;
    }
    if (item.key !== 'path') {
      throw new Error(`invalid key "${item.key}" on line 1`);
    }
    if (
      item.labels.length !== 1 ||
      typeof item.value !== 'object' ||
      Array.isArray(item.value)
    ) {
      throw new Error('path blocks need exactly one quoted path and a body');
    }
    const path = item.labels[0];
    rules.push(ruleOf(path.startsWith('/') ? path.slice(1) : path, item.value));
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// ACL evaluation

interface WildcardRule {
  path: string;
  /** Path without the trailing `*` for prefix rules. */
  stem: string;
  isPrefix: boolean;
  segments: string[];
  wildcards: number;
  firstWildcardOrGlob: number;
  capabilities: Set<Capability>;
  parameters: ParameterConstraints;
}

/** What the merged policies grant on one path pattern. */
interface Permissions {
  capabilities: Set<Capability>;
  parameters: ParameterConstraints;
}

function mergePermissions(into: Permissions, rule: PolicyRule): void {
  mergeCapabilities(into.capabilities, rule.capabilities);
  if (into.capabilities.has('deny')) {
    // An explicit deny drops everything else granted on the path.
    into.parameters = {};
    return;
  }
  mergeParameterConstraints(into.parameters, rule.parameters);
}

function mergeCapabilities(target: Set<Capability>, add: Iterable<Capability>) {
  for (const cap of add) target.add(cap);
  if (target.has('deny')) {
    target.clear();
    target.add('deny');
  }
}

/** The merged rules of a token's policies, evaluated the way Vault's `ACL.AllowOperation` does. */
export class Acl {
  readonly root: boolean;
  private readonly exact = new Map<string, Permissions>();
  private readonly wildcard = new Map<string, WildcardRule>();

  constructor(policies: Array<{ name: string; rules: PolicyRule[] }>) {
    this.root = policies.some(p => p.name === 'root');
    for (const policy of policies) {
      for (const rule of policy.rules) {
        const isPrefix = rule.path.endsWith('*');
        if (!isPrefix && !rule.path.split('/').includes('+')) {
          const perms = this.exact.get(rule.path) ?? {
            capabilities: new Set<Capability>(),
            parameters: {},
          };
          mergePermissions(perms, rule);
          this.exact.set(rule.path, perms);
          continue;
        }
        let entry = this.wildcard.get(rule.path);
        if (!entry) {
          const stem = isPrefix ? rule.path.slice(0, -1) : rule.path;
          const segments = rule.path.split('/');
          const plusIndex = segments.includes('+')
            ? segments.slice(0, segments.indexOf('+')).join('/').length +
              (segments.indexOf('+') > 0 ? 1 : 0)
            : Number.MAX_SAFE_INTEGER;
          entry = {
            path: rule.path,
            stem,
            isPrefix,
            segments,
            wildcards: segments.filter(s => s === '+').length,
            firstWildcardOrGlob: Math.min(
              plusIndex,
              isPrefix ? stem.length : Number.MAX_SAFE_INTEGER,
            ),
            capabilities: new Set<Capability>(),
            parameters: {},
          };
          this.wildcard.set(rule.path, entry);
        }
        mergePermissions(entry, rule);
      }
    }
  }

  private matches(rule: WildcardRule, path: string): boolean {
    if (rule.wildcards === 0) {
      return path.startsWith(rule.stem);
    }
    const parts = path.split('/');
    const segments = rule.segments;
    if (rule.isPrefix) {
      if (parts.length < segments.length) return false;
    } else if (parts.length !== segments.length) {
      return false;
    }
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const part = parts[i];
      const last = i === segments.length - 1;
      if (last && rule.isPrefix) {
        const stemSegment = segment.slice(0, -1);
        if (stemSegment === '+') return true;
        return part.startsWith(stemSegment);
      }
      if (segment !== '+' && segment !== part) return false;
    }
    return true;
  }

  /**
   * Returns the capabilities that apply to `path`, or undefined when no rule matches.
   * `isList` also tries the exact rule without the trailing slash, as Vault does for LIST.
   */
  capabilitiesFor(path: string, isList = false): Set<Capability> | undefined {
    return this.permissionsFor(path, isList)?.capabilities;
  }

  private permissionsFor(
    path: string,
    isList: boolean,
  ): Permissions | undefined {
    const exact =
      this.exact.get(path) ??
      (isList ? this.exact.get(path.replace(/\/$/, '')) : undefined);
    if (exact) {
      return exact;
    }
    const candidates = Array.from(this.wildcard.values()).filter(rule =>
      this.matches(rule, path),
    );
    if (candidates.length === 0) {
      return undefined;
    }
    // Vault's glob rules (no `+`) are found by a longest-prefix lookup, then compete with the
    // segment-wildcard rules under the documented priority order.
    const prefixOnly = candidates
      .filter(c => c.wildcards === 0)
      .sort((a, b) => b.stem.length - a.stem.length)
      .slice(0, 1);
    const pool = [...prefixOnly, ...candidates.filter(c => c.wildcards > 0)];
    pool.sort((a, b) => {
      if (lowerPriority(a, b)) return -1;
      return lowerPriority(b, a) ? 1 : 0;
    });
    return pool[pool.length - 1];
  }

  /**
   * Whether the operation is allowed; `sudo` adds the root-protected-path requirement. `data`
   * (the request body) is checked against the path's parameter constraints for reads and writes.
   */
  allows(
    path: string,
    capability: Capability,
    sudo = false,
    data: Record<string, unknown> = {},
  ): boolean {
    if (this.root) {
      return true;
    }
    const perms = this.permissionsFor(path, capability === 'list');
    const caps = perms?.capabilities;
    if (!perms || !caps || caps.has('deny')) {
      return false;
    }
    if (sudo && !caps.has('sudo')) {
      return false;
    }
    if (!caps.has(capability)) return false;
    if (['read', 'create', 'update', 'patch'].includes(capability))
      return parametersAllowed(perms.parameters, data);
    return true;
  }
}

/** Vault's `wcPathDescr` ordering: true when `a` has lower priority than `b`. */
function lowerPriority(a: WildcardRule, b: WildcardRule): boolean {
  if (a.firstWildcardOrGlob !== b.firstWildcardOrGlob) {
    return a.firstWildcardOrGlob < b.firstWildcardOrGlob;
  }
  if (a.isPrefix !== b.isPrefix) {
    return a.isPrefix;
  }
  if (a.wildcards !== b.wildcards) {
    return a.wildcards > b.wildcards;
  }
  if (a.stem.length !== b.stem.length) {
    return a.stem.length < b.stem.length;
  }
  return a.stem < b.stem;
}
