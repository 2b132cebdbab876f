import {
  certificateUsernameFromEntityRef,
  computeCertificateGroups,
  explainCertificateGroups,
  isReservedKubernetesName,
  mapCertificateGroupName,
  matchesGroupPattern,
  MAX_CERTIFICATE_NAME_LENGTH,
  parseCertificateUsernameFormat,
  resolveCertificateUsername,
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
    // A slash would pose as a catalog namespace; it never survives.
    expect(sanitizeCertificateName('eu/payments')).toBe('eu-payments');
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

  it('refuses names that do not fit instead of truncating them', () => {
    const fits = 'x'.repeat(MAX_CERTIFICATE_NAME_LENGTH);
    expect(sanitizeCertificateName(fits)).toBe(fits);
    expect(sanitizeCertificateName(`${fits}y`)).toBeUndefined();
  });
});

describe('isReservedKubernetesName', () => {
  it('recognises the system: prefix only', () => {
    expect(isReservedKubernetesName('system:authenticated')).toBe(true);
    expect(isReservedKubernetesName('System:Anonymous')).toBe(true);
    expect(isReservedKubernetesName('systems:x')).toBe(false);
  });
});

describe('parseCertificateUsernameFormat', () => {
  it('accepts the injective formats and defaults to {{name}}', () => {
    expect(parseCertificateUsernameFormat(undefined)).toBe('{{name}}');
    expect(parseCertificateUsernameFormat('{{namespace}}/{{name}}')).toBe(
      '{{namespace}}/{{name}}',
    );
  });

  it('refuses {{namespace}}-{{name}} and names the replacement', () => {
    expect(() =>
      parseCertificateUsernameFormat('{{namespace}}-{{name}}'),
    ).toThrow(
      /no longer supported.*user:a-b\/c and user:a\/b-c.*Use '\{\{namespace\}\}\/\{\{name\}\}'/,
    );
    expect(() => parseCertificateUsernameFormat('{{email}}')).toThrow(
      /must be one of '\{\{name\}\}', '\{\{namespace\}\}\/\{\{name\}\}', got '\{\{email\}\}'/,
    );
  });
});

describe('certificateUsernameFromEntityRef', () => {
  const username = (userEntityRef: string, format?: '{{namespace}}/{{name}}') =>
    certificateUsernameFromEntityRef({ userEntityRef, format });

  it('keeps default-namespace names bare and qualifies every other namespace', () => {
    expect(username('user:default/alice')).toBe('alice');
    expect(username('user:alice')).toBe('alice');
    expect(username('user:default/Alice.Smith')).toBe('alice.smith');
    expect(username('user:eu/bob')).toBe('eu/bob');
    expect(username('user:default/alice', '{{namespace}}/{{name}}')).toBe(
      'default/alice',
    );
  });

  it('gives users who share a name in different namespaces different names', () => {
    expect(username('user:other/alice')).not.toBe(
      username('user:default/alice'),
    );
    expect(username('user:a-b/c')).toBe('a-b/c');
    expect(username('user:a/b-c')).toBe('a/b-c');
    expect(username('user:a-b/c', '{{namespace}}/{{name}}')).not.toBe(
      username('user:a/b-c', '{{namespace}}/{{name}}'),
    );
  });

  it('is injective over refs built from the characters that collided before', () => {
    const parts = ['a', 'b', 'a-b', 'b-c', 'default', 'default-a', 'a.b'];
    const namespaces = parts.filter(p => !p.includes('.'));
    for (const format of [undefined, '{{namespace}}/{{name}}'] as const) {
      const owners = new Map<string, string>();
      for (const namespace of namespaces) {
        for (const name of parts) {
          const ref = `user:${namespace}/${name}`;
          const mapped = username(ref, format)!;
          expect(mapped).toBeDefined();
          expect(owners.get(mapped) ?? ref).toBe(ref);
          owners.set(mapped, ref);
        }
      }
    }
  });

  it('refuses refs it cannot name without folding them onto someone else', () => {
    const problem = (userEntityRef: string) =>
      resolveCertificateUsername({ userEntityRef });
    // Folding "zoë" to "zoe" would hand zoe's access to another user.
    expect(problem('user:default/zoë')).toEqual({
      problem: expect.stringMatching(/name 'zoë' .* is not a catalog name/),
    });
    expect(problem('user:default/ali ce')).toHaveProperty('problem');
    expect(problem('user:Team_EU/alice')).toEqual({
      problem: expect.stringMatching(/namespace 'team_eu'.*not a DNS label/),
    });
    expect(problem(`user:${'n'.repeat(40)}/${'u'.repeat(40)}`)).toEqual({
      problem: expect.stringMatching(/longer than the 64 characters/),
    });
    expect(problem('group:default/alice')).toEqual({
      problem: expect.stringMatching(/not a user entity ref/),
    });
    expect(problem('user:a:b/c')).toEqual({
      problem: expect.stringMatching(/not an entity ref/),
    });
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
  it('treats * as a wildcard and everything else literally, ignoring case', () => {
    expect(matchesGroupPattern('team-a', ['team-*'])).toBe(true);
    expect(matchesGroupPattern('platform', ['team-*'])).toBe(false);
    expect(matchesGroupPattern('team.a', ['team.a'])).toBe(true);
    expect(matchesGroupPattern('teamxa', ['team.a'])).toBe(false);
    expect(matchesGroupPattern('anything', ['*'])).toBe(true);
    expect(matchesGroupPattern('eu/admins', ['EU/*'])).toBe(true);
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
    ).toEqual(['ops', 'payments', 'eu/search'].sort());
  });

  it('keeps a Group of another namespace apart from the default one', () => {
    // Whoever controls the "attacker" namespace cannot pose as the real
    // platform-admins Group.
    expect(
      computeCertificateGroups({
        ownershipEntityRefs: ['group:attacker/platform-admins'],
      }),
    ).toEqual(['attacker/platform-admins']);
    expect(
      computeCertificateGroups({
        ownershipEntityRefs: ['group:a-b/c', 'group:a/b-c'],
      }),
    ).toEqual(['a-b/c', 'a/b-c']);
  });

  it('drops kubeadm: and system: names from both sources, and says why', () => {
    const { groups, dropped } = explainCertificateGroups({
      vaultGroups: ['kubeadm:cluster-admins', 'KUBEADM:Cluster-Admins', 'ops'],
      ownershipEntityRefs: ['group:default/payments', 'group:default/zoë'],
    });
    expect(groups).toEqual(['ops', 'payments']);
    expect(dropped).toEqual([
      {
        source: 'vault',
        name: 'kubeadm:cluster-admins',
        reason: expect.stringMatching(/reserved by Kubernetes or kubeadm/),
      },
      {
        source: 'vault',
        name: 'KUBEADM:Cluster-Admins',
        reason: expect.stringMatching(/reserved/),
      },
      {
        source: 'catalog',
        name: 'group:default/zoë',
        reason: expect.stringMatching(/not a catalog name/),
      },
    ]);
  });

  it('applies the deny and allow lists to Vault and catalog groups alike', () => {
    const base = {
      vaultGroups: ['ops', 'cluster-admins'],
      ownershipEntityRefs: [
        'group:default/team-a',
        'group:default/platform',
        'group:default/cluster-admins',
      ],
      prefix: 'acme:',
    };
    expect(
      computeCertificateGroups({ ...base, includeVaultGroups: false }),
    ).toEqual(['acme:cluster-admins', 'acme:platform', 'acme:team-a']);
    expect(
      computeCertificateGroups({ ...base, allowedGroups: ['acme:team-*'] }),
    ).toEqual(['acme:team-a']);
    expect(
      computeCertificateGroups({ ...base, deniedGroups: ['*:cluster-admins'] }),
    ).toEqual(['acme:ops', 'acme:platform', 'acme:team-a']);
    // An empty allow list does not restrict.
    expect(computeCertificateGroups({ ...base, allowedGroups: [] })).toEqual([
      'acme:cluster-admins',
      'acme:ops',
      'acme:platform',
      'acme:team-a',
    ]);
  });
});
