/**
 * Scaffolder actions that request namespaces through Cluster Access.
 *
 * @packageDocumentation
 */
export { scaffolderModuleClusterAccess as default } from './module';
