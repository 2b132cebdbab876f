export { NamespaceLink, NamespaceKeyLink } from './NamespaceLink';
