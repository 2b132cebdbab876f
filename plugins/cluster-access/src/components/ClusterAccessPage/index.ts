export { ClusterAccessPage } from './ClusterAccessPage';
