export {
  ClusterAccessTierPickerFieldExtension,
  ClusterAccessClusterPickerFieldExtension,
  ClusterAccessNamespaceNameFieldExtension,
} from './extensions';
export {
  TierPickerFieldSchema,
  ClusterPickerFieldSchema,
  NamespaceNameFieldSchema,
} from './schemas';
