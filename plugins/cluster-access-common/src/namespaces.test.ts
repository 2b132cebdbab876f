import {
  isValidNamingPattern,
  namespaceNamePart,
  matchesNamingPattern,
  namespaceNameProblems,
  renderNamingPattern,
} from './namespaces';

describe('namespaceNameProblems', () => {
  it('accepts DNS-1123 labels up to 63 characters', () => {
    expect(namespaceNameProblems('payments-api-dev')).toEqual([]);
    expect(namespaceNameProblems('a'.repeat(63))).toEqual([]);
    expect(namespaceNameProblems('x1')).toEqual([]);
  });

  it.each([
    ['', /empty/],
    ['a'.repeat(64), /at most 63/],
    ['Payments', /DNS-1123/],
    ['-payments', /DNS-1123/],
    ['payments-', /DNS-1123/],
    ['pay_ments', /DNS-1123/],
    ['pay.ments', /DNS-1123/],
    ['default', /reserved/],
    ['kube-system', /reserved/],
    ['kube-anything', /reserved prefix "kube-"/],
    ['openshift-x', /reserved prefix/],
  ])('refuses %p', (name, problem) => {
    const problems = namespaceNameProblems(name);
    expect(problems.join('; ')).toMatch(problem);
  });
});

describe('naming patterns', () => {
  it('matches the group, a suffix and the tier', () => {
    const pattern = '{group}-{suffix}-{tier}';
    const match = (name: string, group = 'payments', tier = 'dev') =>
      matchesNamingPattern({ name, pattern, group, tier });
    expect(match('payments-api-dev')).toBe(true);
    expect(match('payments-api-v2-dev')).toBe(true);
    expect(match('payments--dev')).toBe(false);
    expect(match('payments-dev')).toBe(false);
    expect(match('search-api-dev')).toBe(false);
    expect(match('payments-api-qa')).toBe(false);
    expect(match('payments-api-qa', 'payments', 'qa')).toBe(true);
  });

  it('treats the pattern literally apart from placeholders', () => {
    expect(
      matchesNamingPattern({
        name: 'team-payments',
        pattern: 'team-{group}',
        group: 'payments',
        tier: 'dev',
      }),
    ).toBe(true);
    // A "." in a group name must not act as a regular expression wildcard.
    expect(
      matchesNamingPattern({
        name: 'axb-dev',
        pattern: '{group}-{tier}',
        group: 'a.b',
        tier: 'dev',
      }),
    ).toBe(false);
  });

  it('renders a pattern', () => {
    expect(
      renderNamingPattern({
        pattern: '{group}-{suffix}-{tier}',
        group: 'search',
        suffix: 'index',
        tier: 'qa',
      }),
    ).toBe('search-index-qa');
  });

  it('validates patterns', () => {
    expect(isValidNamingPattern('{group}-{suffix}-{tier}')).toBe(true);
    expect(isValidNamingPattern('{group}-{tier}')).toBe(true);
    expect(isValidNamingPattern('{group}-{owner}')).toBe(false);
    expect(isValidNamingPattern('{group}_{tier}')).toBe(false);
    expect(isValidNamingPattern('')).toBe(false);
  });
});

describe('namespaceNamePart', () => {
  it('turns entity names into name parts', () => {
    expect(namespaceNamePart('payments')).toBe('payments');
    expect(namespaceNamePart('Team_Payments.EU')).toBe('team-payments-eu');
    expect(namespaceNamePart('__x__')).toBe('x');
  });
});
