import { Acl, DEFAULT_POLICY, parsePolicy } from './policy';
import { formatGoDuration, parseDurationSeconds } from './fields';

function acl(...texts: string[]) {
  return new Acl(
    texts.map((text, i) => ({ name: `p${i}`, rules: parsePolicy(text) })),
  );
}

describe('policy parsing', () => {
  it('parses HCL path blocks with comments, trailing commas and unknown attributes', () => {
    const rules = parsePolicy(`
      # comment
      path "pki/sign-verbatim/kubernetes-client" {
        capabilities = ["update",]
      }
      // another comment
      /* block
         comment */
      path "identity/entity*" {
        capabilities = ["create", "read", "update", "delete", "list"]
        allowed_parameters = { "name" = [] }
      }
      path "secret/old" { policy = "read" }
    `);
    expect(rules).toEqual([
      { path: 'pki/sign-verbatim/kubernetes-client', capabilities: ['update'] },
      {
        path: 'identity/entity*',
        capabilities: ['create', 'read', 'update', 'delete', 'list'],
        parameters: { allowed: { name: [] } },
      },
      { path: 'secret/old', capabilities: ['read', 'list'] },
    ]);
  });

  it('parses JSON policies and collapses deny', () => {
    expect(
      parsePolicy('{"path": {"a/*": {"capabilities": ["read", "deny"]}}}'),
    ).toEqual([{ path: 'a/*', capabilities: ['deny'] }]);
  });

  it('rejects invalid policies', () => {
    expect(() => parsePolicy('path "x" { capabilities = ["fly"] }')).toThrow(
      'path "x": invalid capability "fly"',
    );
    expect(() => parsePolicy('path "x" { capabilities = ["read"]')).toThrow(
      'object expected closing RBRACE',
    );
    expect(() => parsePolicy('paths "x" {}')).toThrow('invalid key "paths"');
    expect(() => parsePolicy('path "x" { capabilities = ["read"] } }')).toThrow(
      'unexpected "}"',
    );
  });

  it('parses the built-in default policy', () => {
    const rules = parsePolicy(DEFAULT_POLICY);
    expect(rules).toContainEqual({
      path: 'auth/token/lookup-self',
      capabilities: ['read'],
    });
    expect(rules).toContainEqual({
      path: 'auth/token/renew-self',
      capabilities: ['update'],
    });
  });
});

describe('ACL evaluation', () => {
  it('matches exact paths, glob prefixes and + segments', () => {
    const policy = acl(`
      path "secret/exact" { capabilities = ["read"] }
      path "secret/glob*" { capabilities = ["list"] }
      path "secret/+/config" { capabilities = ["update"] }
    `);
    expect(policy.allows('secret/exact', 'read')).toBe(true);
    expect(policy.allows('secret/exact/more', 'read')).toBe(false);
    expect(policy.allows('secret/globbing/deep/path', 'list')).toBe(true);
    expect(policy.allows('secret/team/config', 'update')).toBe(true);
    expect(policy.allows('secret/team/other', 'update')).toBe(false);
    expect(policy.allows('secret/a/b/config', 'update')).toBe(false);
  });

  it('prefers the most specific rule, following Vault priority order', () => {
    const policy = acl(`
      path "secret/*" { capabilities = ["read"] }
      path "secret/private/*" { capabilities = ["deny"] }
      path "secret/+/public" { capabilities = ["list"] }
      path "secret/team/*" { capabilities = ["update"] }
    `);
    expect(policy.allows('secret/anything', 'read')).toBe(true);
    expect(policy.allows('secret/private/x', 'read')).toBe(false);
    // "secret/+/public" has its first wildcard earlier than "secret/team/*", so the glob wins.
    expect(policy.allows('secret/team/public', 'update')).toBe(true);
    expect(policy.allows('secret/team/public', 'list')).toBe(false);
    expect(policy.allows('secret/other/public', 'list')).toBe(true);
  });

  it('merges capabilities across policies, with deny winning', () => {
    const merged = acl(
      'path "a/b" { capabilities = ["read"] }',
      'path "a/b" { capabilities = ["update"] }',
    );
    expect(merged.allows('a/b', 'read') && merged.allows('a/b', 'update')).toBe(
      true,
    );
    const denied = acl(
      'path "a/b" { capabilities = ["read"] }',
      'path "a/b" { capabilities = ["deny"] }',
    );
    expect(denied.allows('a/b', 'read')).toBe(false);
  });

  it('requires sudo for root-protected paths and accepts the trailing slash of LIST', () => {
    const policy = acl(
      'path "sys/auth/*" { capabilities = ["update"] }',
      'path "pki/roles" { capabilities = ["list"] }',
    );
    expect(policy.allows('sys/auth/kubernetes', 'update')).toBe(true);
    expect(policy.allows('sys/auth/kubernetes', 'update', true)).toBe(false);
    expect(policy.allows('pki/roles/', 'list')).toBe(true);
  });

  it('lets the root policy do anything', () => {
    const rootAcl = new Acl([{ name: 'root', rules: [] }]);
    expect(rootAcl.allows('sys/policies/acl/root', 'delete', true)).toBe(true);
  });
});

describe('durations', () => {
  it('parses Vault duration inputs', () => {
    expect(parseDurationSeconds(3600, 'ttl')).toBe(3600);
    expect(parseDurationSeconds('90', 'ttl')).toBe(90);
    expect(parseDurationSeconds('1h30m', 'ttl')).toBe(5400);
    expect(parseDurationSeconds('2d', 'ttl')).toBe(172800);
    expect(() => parseDurationSeconds('soon', 'ttl')).toThrow(
      'error converting input soon for field "ttl"',
    );
  });

  it('formats like Go time.Duration', () => {
    expect(formatGoDuration(0)).toBe('0s');
    expect(formatGoDuration(45)).toBe('45s');
    expect(formatGoDuration(90)).toBe('1m30s');
    expect(formatGoDuration(768 * 3600)).toBe('768h0m0s');
    expect(formatGoDuration(1.5)).toBe('1.5s');
  });

  describe('parameter constraints', () => {
    const write = (a: Acl, data: Record<string, unknown>) =>
      a.allows('identity/entity/name/alice', 'update', false, data);

    it('allows only listed keys, any value for an empty list, globs for others', () => {
      const a = acl(`
        path "identity/entity/name/*" {
          capabilities = ["read", "update"]
          allowed_parameters = {
            "metadata" = []
            "Disabled" = [false]
            "policies" = ["team-*"]
          }
        }
      `);
      expect(write(a, {})).toBe(true);
      expect(write(a, { metadata: { a: 'b' } })).toBe(true);
      expect(write(a, { disabled: false })).toBe(true);
      expect(write(a, { disabled: true })).toBe(false);
      expect(write(a, { policies: ['team-a', 'team-b'] })).toBe(true);
      expect(write(a, { policies: 'team-a,team-b' })).toBe(true);
      expect(write(a, { policies: ['team-a', 'admin'] })).toBe(false);
      expect(write(a, { metadata: {}, member_group_ids: ['x'] })).toBe(false);
      // Reads carry no body, so they pass.
      expect(a.allows('identity/entity/name/alice', 'read')).toBe(true);
    });

    it('denies listed keys first and requires required ones', () => {
      const a = acl(`
        path "identity/entity/name/*" {
          capabilities = ["update"]
          denied_parameters = { "policies" = [] }
          required_parameters = ["metadata"]
        }
      `);
      expect(write(a, { metadata: {} })).toBe(true);
      expect(write(a, { metadata: {}, policies: [] })).toBe(false);
      expect(write(a, { disabled: true })).toBe(false);
    });

    it('merges constraints of policies that grant the same path', () => {
      const narrow = `path "identity/entity/name/*" {
        capabilities = ["update"]
        allowed_parameters = { "metadata" = [] }
      }`;
      const wider = `path "identity/entity/name/*" {
        capabilities = ["update"]
        allowed_parameters = { "policies" = ["team-a"] }
      }`;
      const a = acl(narrow, wider);
      expect(write(a, { metadata: {}, policies: ['team-a'] })).toBe(true);
      expect(write(a, { policies: ['admin'] })).toBe(false);
      // Vault's merge keeps restrictions even next to an unrestricted grant.
      const b = acl(
        narrow,
        'path "identity/entity/name/*" { capabilities = ["update"] }',
      );
      expect(write(b, { policies: ['admin'] })).toBe(false);
    });
  });
});
