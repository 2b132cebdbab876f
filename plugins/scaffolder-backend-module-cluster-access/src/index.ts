/**
 * Scaffolder actions that request namespaces through Cluster Access.
 *
 * @packageDocumentation
 */
export { scaffolderModuleClusterAccess as default } from './module';
export {
  createRequestNamespaceAction,
  REQUEST_NAMESPACE_ACTION_ID,
} from './actions/requestNamespace';
