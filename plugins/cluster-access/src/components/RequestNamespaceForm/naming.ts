import {
  matchesNamingPattern,
  namespaceNameProblems,
  renderNamingPattern,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';

/**
 * What `{suffix}` is pre-filled with, so that the suggested name is valid
 * from the start; the helper text asks the user to replace it.
 */
export const SUGGESTED_SUFFIX = 'app';

/**
 * What is wrong with a namespace name, as phrases after "The name": the
 * DNS-1123 rules first, then the tier's naming rule for the owner Group.
 */
export function nameProblems(options: {
  name: string;
  tier?: TierInfo;
  /** The owner Group's name as it appears in namespace names. */
  group: string;
}): string[] {
  const { name, tier, group } = options;
  const problems = namespaceNameProblems(name);
  if (
    problems.length === 0 &&
    tier &&
    group &&
    !matchesNamingPattern({
      name,
      pattern: tier.namingPattern,
      group,
      tier: tier.name,
    })
  ) {
    problems.push(
      `must follow the ${tier.title} tier's naming rule ${
        tier.namingPattern
      }, e.g. ${renderNamingPattern({
        pattern: tier.namingPattern,
        group,
        tier: tier.name,
        suffix: 'api',
      })}`,
    );
  }
  return problems;
}

/** The tier's naming rule, under the name field while the name is fine. */
export function namingHelp(tier?: TierInfo): string {
  if (!tier) return '';
  return `Naming rule: ${tier.namingPattern}${
    tier.namingPattern.includes('{suffix}')
      ? `; replace "${SUGGESTED_SUFFIX}" with what the namespace is for`
      : ''
  }.`;
}
