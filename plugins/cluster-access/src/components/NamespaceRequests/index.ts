export { NamespaceRequests } from './NamespaceRequests';
