import { TierInfo } from '@cluster-access/plugin-cluster-access-common';

/**
 * The tiers offered when `clusterAccess.tiers` is not configured: `dev`,
 * approved at once, and `qa`, which needs an approver. Both are offered on
 * every configured cluster.
 *
 * @internal
 */
export const DEFAULT_TIERS: Array<Omit<TierInfo, 'clusters'>> = [
  {
    name: 'dev',
    title: 'Development',
    description:
      'A namespace to build and try things in; approved automatically.',
    approval: 'none',
    namingPattern: '{group}-{suffix}-dev',
    resourceQuota: {
      'requests.cpu': '2',
      'requests.memory': '4Gi',
      'limits.cpu': '4',
      'limits.memory': '8Gi',
      pods: '20',
      'count/configmaps': '50',
      'count/secrets': '50',
      persistentvolumeclaims: '5',
    },
    limitRange: {
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '500m', memory: '512Mi' },
    },
    networkPolicy: true,
    podSecurity: { enforce: 'baseline', warn: 'restricted' },
    labels: {},
    annotations: {},
    nonMemberBindings: 'report',
  },
  {
    name: 'qa',
    title: 'QA',
    description:
      'A namespace for integration and acceptance testing; needs an approver.',
    approval: 'required',
    namingPattern: '{group}-{suffix}-qa',
    resourceQuota: {
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      pods: '50',
      'count/configmaps': '100',
      'count/secrets': '100',
      persistentvolumeclaims: '10',
    },
    limitRange: {
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '1', memory: '1Gi' },
    },
    networkPolicy: true,
    podSecurity: { enforce: 'restricted', warn: 'restricted' },
    labels: {},
    annotations: {},
    nonMemberBindings: 'report',
  },
];
