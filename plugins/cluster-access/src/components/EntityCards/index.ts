export { EntityUserAccessCard } from './EntityUserAccessCard';
export { EntityGroupNamespacesCard } from './EntityGroupNamespacesCard';
