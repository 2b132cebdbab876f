import { useState } from 'react';
import {
  namespaceNamePart,
  renderNamingPattern,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { entityRefName } from '../../lib/entityRefs';
import { nameProblems, SUGGESTED_SUFFIX } from './naming';

/**
 * The namespace name field: suggested from the tier's naming rule and the
 * owner Group, it follows owner and tier until the user types a name of
 * their own, and says what is wrong with it.
 */
export function useNamespaceName(options: { tier?: TierInfo; owner: string }) {
  const { tier, owner } = options;
  const group = owner ? namespaceNamePart(entityRefName(owner)) : '';
  const suggestion =
    tier && group
      ? renderNamingPattern({
          pattern: tier.namingPattern,
          group,
          tier: tier.name,
          suffix: SUGGESTED_SUFFIX,
        })
      : '';
  const [typedName, setTypedName] = useState<string>();
  const name = typedName ?? suggestion;
  return {
    name,
    setName: setTypedName,
    problems: nameProblems({ name, tier, group }),
    /** Not before there is a name, unless the user emptied the field. */
    showProblems: name.length > 0 || typedName !== undefined,
  };
}

/** What {@link useNamespaceName} returns. */
export type NamespaceNameState = ReturnType<typeof useNamespaceName>;
