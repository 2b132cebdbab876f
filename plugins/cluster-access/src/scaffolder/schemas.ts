import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * `ClusterAccessTierPicker`: a tier name.
 *
 * @public
 */
export const TierPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
});

/**
 * `ClusterAccessClusterPicker`: a cluster name.
 *
 * @public
 */
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

/**
 * `ClusterAccessNamespaceName`: a namespace name.
 *
 * @public
 */
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
