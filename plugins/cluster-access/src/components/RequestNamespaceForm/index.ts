export { RequestNamespaceForm } from './RequestNamespaceForm';
