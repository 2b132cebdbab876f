import { ApiHolder } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  namespaceNamePart,
  renderNamingPattern,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import TextField from '@material-ui/core/TextField';
import { clusterAccessApiRef } from '../api';
import { nameProblems } from '../components/RequestNamespaceForm/naming';
import { NamespaceNameFieldSchema } from './schemas';
import { siblingValue, useOffer } from './useOffer';

type NamespaceNameOptions = typeof NamespaceNameFieldSchema.uiOptionsType;

/** The owner Group's name as namespace names use it; '' when none is chosen. */
function groupPart(owner: string | undefined): string {
  if (!owner) return '';
  try {
    return namespaceNamePart(
      parseEntityRef(owner, { defaultKind: 'group' }).name,
    );
  } catch {
    return '';
  }
}

/**
 * The hint under the name field: the chosen tier's naming rule filled in
 * with the owner Group, as plain text (a `description` is Markdown, where
 * `<group>` would be taken for an HTML tag and vanish).
 */
export function namingHint(tier: TierInfo | undefined, group: string): string {
  if (!tier) return 'Choose a tier to see its naming rule.';
  const example = renderNamingPattern({
    pattern: tier.namingPattern,
    group: group || '{group}',
    tier: tier.name,
    suffix: 'api',
  });
  return `Naming rule of ${tier.title}: ${tier.namingPattern}, e.g. ${example}`;
}

/**
 * Scaffolder field `ClusterAccessNamespaceName`: the namespace name, with the
 * naming rule of the tier chosen in the same form for the chosen owner Group.
 */
export const ClusterAccessNamespaceName = (
  props: typeof NamespaceNameFieldSchema.TProps,
) => {
  const { onChange, formData, required, rawErrors, schema, idSchema } = props;
  const options = props.uiSchema?.['ui:options'] ?? {};
  const tierName = siblingValue(props.formContext, options.tierField ?? 'tier');
  const owner = siblingValue(props.formContext, options.ownerField ?? 'owner');
  const offer = useOffer();
  const tier = offer.tiers.find(t => t.name === tierName);
  const group = groupPart(owner);
  const problems = formData ? nameProblems({ name: formData, tier, group }) : [];
  return (
    <TextField
      fullWidth
      margin="normal"
      id={idSchema?.$id}
      label={schema.title ?? 'Namespace name'}
      value={formData ?? ''}
      onChange={event => onChange(event.target.value.trim())}
      required={required}
      disabled={props.disabled}
      error={problems.length > 0 || (rawErrors?.length ?? 0) > 0}
      helperText={
        problems.length > 0
          ? `The name ${problems.join('; ')}`
          : namingHint(tier, group)
      }
      inputProps={{ 'aria-label': schema.title ?? 'Namespace name' }}
    />
  );
};

/**
 * Refuses a name that breaks Kubernetes' rules or the tier's naming rule
 * before the template runs; the backend checks again when it is filed.
 */
export const validateNamespaceName: CustomFieldValidator<
  string,
  NamespaceNameOptions
> = async (name, field, context) => {
  if (!name) return;
  const options = context.uiSchema?.['ui:options'] ?? {};
  const formData = context.formData as Record<string, unknown>;
  const tierName = formData[options.tierField ?? 'tier'];
  const owner = formData[options.ownerField ?? 'owner'];
  const tiers = await tiersOf(context.apiHolder);
  const tier = tiers.find(t => t.name === tierName);
  const group = groupPart(typeof owner === 'string' ? owner : undefined);
  for (const problem of nameProblems({ name, tier, group })) {
    field.addError(`The name ${problem}`);
  }
};

async function tiersOf(apiHolder: ApiHolder): Promise<TierInfo[]> {
  const api = apiHolder.get(clusterAccessApiRef);
  return api ? api.listTiers().catch(() => []) : [];
}
