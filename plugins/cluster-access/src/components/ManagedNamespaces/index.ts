export { ManagedNamespaces } from './ManagedNamespaces';
