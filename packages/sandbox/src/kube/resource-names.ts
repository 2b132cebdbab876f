/*
 * The resource name sets and predicates of pkg/apis/core/helper (IsStandardResourceName,
 * IsStandardQuotaResourceName, IsExtendedResourceName, IsOvercommitAllowed, …).
 */
import { qualifiedNameProblems } from './names';

export const standardContainerResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
]);
export const standardQuotaResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);
export const standardResources = new Set([
  ...standardQuotaResources,
  'storage',
  'requests.storage',
]);
const integerResources = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
export const standardLimitTypes = new Set([
  'Pod',
  'Container',
  'PersistentVolumeClaim',
]);

export const isHugePages = (name: string) => name.startsWith('hugepages-');
export const isQuotaHugePages = (name: string) =>
  isHugePages(name) || name.startsWith('requests.hugepages-');

/** Unqualified names, and names in `*kubernetes.io/`, are native. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** `example.com/gpu`: a non-native name that is still a qualified name as `requests.<name>`. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return qualifiedNameProblems(`requests.${name}`).length === 0;
}

/** Native resources other than hugepages may be requested below their limit. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

/** Object counts and extended resources are whole numbers. */
export function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}
