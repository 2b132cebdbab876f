/**
 * Identifies a namespace across clusters (`sandbox/payments-api-dev`): names
 * are unique only within a cluster.
 */
export function namespaceKey(cluster: string, namespace: string): string {
  return `${cluster}/${namespace}`;
}
