export { GetClusterAccess } from './GetClusterAccess';
