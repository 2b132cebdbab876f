const labels: Record<string, string> = {
  'requests.cpu': 'CPU requested',
  'limits.cpu': 'CPU limit',
  cpu: 'CPU requested',
  'requests.memory': 'Memory requested',
  'limits.memory': 'Memory limit',
  memory: 'Memory requested',
  'requests.storage': 'Storage requested',
  'requests.ephemeral-storage': 'Scratch space requested',
  'limits.ephemeral-storage': 'Scratch space limit',
  pods: 'Pods',
  services: 'Services',
  'services.loadbalancers': 'Load balancers',
  'services.nodeports': 'Node ports',
  persistentvolumeclaims: 'Volume claims',
  secrets: 'Secrets',
  configmaps: 'ConfigMaps',
  replicationcontrollers: 'Replication controllers',
  resourcequotas: 'Resource quotas',
};

/**
 * A ResourceQuota key as people say it: `requests.cpu` → "CPU requested",
 * `count/deployments.apps` → "Deployments".
 */
export function quotaLabel(resource: string): string {
  if (labels[resource]) return labels[resource];
  const counted = /^count\/([^.]+)/.exec(resource);
  if (counted) {
    const kind = labels[counted[1]] ?? counted[1];
    return kind.charAt(0).toUpperCase() + kind.slice(1);
  }
  return resource;
}

/** The three things people ask about first, and the keys that answer them. */
export const QUOTA_SUMMARY = [
  { label: 'CPU', keys: ['requests.cpu', 'cpu', 'limits.cpu'] },
  { label: 'Memory', keys: ['requests.memory', 'memory', 'limits.memory'] },
  { label: 'Pods', keys: ['pods', 'count/pods'] },
] as const;
