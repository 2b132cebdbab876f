import {
  certificateUsernameFromEntityRef,
  computeCertificateGroups,
  isReservedKubernetesName,
  mapCertificateGroupName,
  matchesGroupPattern,
  MAX_CERTIFICATE_NAME_LENGTH,
  sanitizeCertificateName,
} from './names';

describe('sanitizeCertificateName', () => {
  it('lowercases and replaces every run of other characters with one dash', () => {
    expect(sanitizeCertificateName('Team A  (Payments)')).toBe(
      'team-a-payments',
    );
    expect(sanitizeCertificateName('ops:on_call.eu')).toBe('ops:on_call.eu');
    expect(sanitizeCertificateName('--.weird--')).toBe('weird');
    expect(sanitizeCertificateName('Ünïcödé ☃ Team')).toBe('unicode-team');
  });

  it('returns undefined for empty and reserved names, however they are spelt', () => {
    expect(sanitizeCertificateName('')).toBeUndefined();
    expect(sanitizeCertificateName('***')).toBeUndefined();
    expect(sanitizeCertificateName('system:masters')).toBeUndefined();
    expect(sanitizeCertificateName('SYSTEM:Masters')).toBeUndefined();
    // Fullwidth letters normalise (NFKC) to "system:".
    expect(sanitizeCertificateName('ｓｙｓｔｅｍ:masters')).toBeUndefined();
    expect(sanitizeCertificateName(' :system:masters')).toBeUndefined();
    // Not reserved: only the prefix is.
    expect(sanitizeCertificateName('system-masters')).toBe('system-masters');
    expect(sanitizeCertificateName('team:system:masters')).toBe(
      'team:system:masters',
    );
  });

  it('truncates deterministically and keeps long names apart', () => {
    const a = sanitizeCertificateName(`${'x'.repeat(80)}-a`)!;
    const b = sanitizeCertificateName(`${'x'.repeat(80)}-b`)!;
    expect(a).toHaveLength(MAX_CERTIFICATE_NAME_LENGTH);
    expect(b).toHaveLength(MAX_CERTIFICATE_NAME_LENGTH);
    expect(a).not.toBe(b);
    expect(sanitizeCertificateName(`${'x'.repeat(80)}-a`)).toBe(a);
    expect(a.startsWith('x'.repeat(50))).toBe(true);
  });
});

describe('isReservedKubernetesName', () => {
  it('recognises the system: prefix only', () => {
    expect(isReservedKubernetesName('system:authenticated')).toBe(true);
    expect(isReservedKubernetesName('System:Anonymous')).toBe(true);
    expect(isReservedKubernetesName('systems:x')).toBe(false);
  });
});

describe('certificateUsernameFromEntityRef', () => {
  it('uses the entity name by default and the namespace when configured', () => {
    expect(
      certificateUsernameFromEntityRef({ userEntityRef: 'user:default/alice' }),
    ).toBe('alice');
    expect(
      certificateUsernameFromEntityRef({
        userEntityRef: 'user:default/Alice.Smith',
        format: '{{namespace}}-{{name}}',
      }),
    ).toBe('default-alice.smith');
    expect(
      certificateUsernameFromEntityRef({ userEntityRef: 'user:eu/bob' }),
    ).toBe('bob');
  });

  it('refuses refs that cannot be parsed', () => {
    expect(() =>
      certificateUsernameFromEntityRef({ userEntityRef: 'user:a:b/c' }),
    ).toThrow(/Invalid entity ref/);
  });
});

describe('mapCertificateGroupName', () => {
  it('adds the prefix before sanitising, so a prefix can defuse system:', () => {
    expect(mapCertificateGroupName({ name: 'Team-A', prefix: 'acme:' })).toBe(
      'acme:team-a',
    );
    expect(
      mapCertificateGroupName({ name: 'system:masters', prefix: '' }),
    ).toBeUndefined();
    expect(
      mapCertificateGroupName({ name: 'system:masters', prefix: 'vault:' }),
    ).toBe('vault:system:masters');
  });
});

describe('matchesGroupPattern', () => {
  it('treats * as a wildcard and everything else literally', () => {
    expect(matchesGroupPattern('team-a', ['team-*'])).toBe(true);
    expect(matchesGroupPattern('platform', ['team-*'])).toBe(false);
    expect(matchesGroupPattern('team.a', ['team.a'])).toBe(true);
    expect(matchesGroupPattern('teamxa', ['team.a'])).toBe(false);
    expect(matchesGroupPattern('anything', ['*'])).toBe(true);
  });
});

describe('computeCertificateGroups', () => {
  it('merges Vault and catalog groups, mapped, sorted and de-duplicated', () => {
    expect(
      computeCertificateGroups({
        vaultGroups: ['Payments', 'system:masters', 'ops'],
        ownershipEntityRefs: [
          'user:default/alice',
          'group:default/payments',
          'group:eu/search',
          'component:default/payments',
        ],
        prefix: '',
      }),
    ).toEqual(['ops', 'payments', 'search']);
  });

  it('can leave out Vault groups and restrict to allowed patterns', () => {
    const base = {
      vaultGroups: ['ops'],
      ownershipEntityRefs: ['group:default/team-a', 'group:default/platform'],
      prefix: 'acme:',
    };
    expect(
      computeCertificateGroups({ ...base, includeVaultGroups: false }),
    ).toEqual(['acme:platform', 'acme:team-a']);
    expect(
      computeCertificateGroups({ ...base, allowedGroups: ['acme:team-*'] }),
    ).toEqual(['acme:team-a']);
    // An empty list does not restrict.
    expect(computeCertificateGroups({ ...base, allowedGroups: [] })).toEqual([
      'acme:ops',
      'acme:platform',
      'acme:team-a',
    ]);
  });
});
