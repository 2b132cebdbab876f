import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { clusterAccessPlugin } from '../plugin';
import { ClusterAccessClusterPicker } from './ClusterPicker';
import {
  ClusterAccessNamespaceName,
  validateNamespaceName,
} from './NamespaceNameField';
import {
  ClusterPickerFieldSchema,
  NamespaceNameFieldSchema,
  TierPickerFieldSchema,
} from './schemas';
import { ClusterAccessTierPicker } from './TierPicker';

/**
 * Scaffolder field `ClusterAccessTierPicker` for apps on the legacy frontend
 * system: the tiers the Cluster Access backend offers. Put it inside
 * `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const ClusterAccessTierPickerFieldExtension = clusterAccessPlugin.provide(
  createScaffolderFieldExtension({
    name: 'ClusterAccessTierPicker',
    component: ClusterAccessTierPicker,
    schema: TierPickerFieldSchema.schema,
  }),
);

/**
 * Scaffolder field `ClusterAccessClusterPicker` for the legacy frontend
 * system: the clusters that offer the tier chosen in the same form
 * (`ui:options.tierField`, default `tier`).
 *
 * @public
 */
export const ClusterAccessClusterPickerFieldExtension =
  clusterAccessPlugin.provide(
    createScaffolderFieldExtension({
      name: 'ClusterAccessClusterPicker',
      component: ClusterAccessClusterPicker,
      schema: ClusterPickerFieldSchema.schema,
    }),
  );

/**
 * Scaffolder field `ClusterAccessNamespaceName` for the legacy frontend
 * system: the namespace name, with the chosen tier's naming rule for the
 * chosen owner (`ui:options.tierField` and `ownerField`, default `tier` and
 * `owner`), checked before the template runs.
 *
 * @public
 */
export const ClusterAccessNamespaceNameFieldExtension =
  clusterAccessPlugin.provide(
    createScaffolderFieldExtension({
      name: 'ClusterAccessNamespaceName',
      component: ClusterAccessNamespaceName,
      validation: validateNamespaceName,
      schema: NamespaceNameFieldSchema.schema,
    }),
  );
