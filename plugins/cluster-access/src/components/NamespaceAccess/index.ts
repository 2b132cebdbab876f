export { AccessSection } from './AccessSection';
export { NamespaceAccessList } from './NamespaceAccessList';
