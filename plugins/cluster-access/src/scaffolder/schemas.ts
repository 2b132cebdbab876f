import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/** `ClusterAccessTierPicker`: a tier name. */
export const TierPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
});

/** `ClusterAccessClusterPicker`: a cluster name. */
export const ClusterPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      tierField: z
        .string()
        .optional()
        .describe('The form field holding the tier (default tier)'),
    }),
});

/** `ClusterAccessNamespaceName`: a namespace name. */
export const NamespaceNameFieldSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      tierField: z
        .string()
        .optional()
        .describe('The form field holding the tier (default tier)'),
      ownerField: z
        .string()
        .optional()
        .describe('The form field holding the owner Group (default owner)'),
    }),
});
