export { NamespaceAccessList } from './NamespaceAccessList';
