import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import {
  ClusterPickerFieldSchema,
  NamespaceNameFieldSchema,
  TierPickerFieldSchema,
} from './schemas';

/**
 * `ClusterAccessTierPicker` for the new frontend system's scaffolder.
 *
 * @alpha
 */
export const tierPickerFormField = FormFieldBlueprint.make({
  name: 'tier-picker',
  params: {
    field: () =>
      import('./TierPicker').then(m =>
        createFormField({
          name: 'ClusterAccessTierPicker',
          component: m.ClusterAccessTierPicker,
          schema: TierPickerFieldSchema,
        }),
      ),
  },
});

/**
 * `ClusterAccessClusterPicker` for the new frontend system's scaffolder.
 *
 * @alpha
 */
export const clusterPickerFormField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./ClusterPicker').then(m =>
        createFormField({
          name: 'ClusterAccessClusterPicker',
          component: m.ClusterAccessClusterPicker,
          schema: ClusterPickerFieldSchema,
        }),
      ),
  },
});

/**
 * `ClusterAccessNamespaceName` for the new frontend system's scaffolder.
 *
 * @alpha
 */
export const namespaceNameFormField = FormFieldBlueprint.make({
  name: 'namespace-name',
  params: {
    field: () =>
      import('./NamespaceNameField').then(m =>
        createFormField({
          name: 'ClusterAccessNamespaceName',
          component: m.ClusterAccessNamespaceName,
          validation: m.validateNamespaceName,
          schema: NamespaceNameFieldSchema,
        }),
      ),
  },
});
