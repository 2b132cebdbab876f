import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ClusterAccessService } from '@cluster-access/plugin-cluster-access-node';
import { stringify } from 'yaml';
import { stepFailure } from './failures';

/**
 * The action's dry run: the backend checks the request as filing would and
 * renders what it would apply; the step logs that and files nothing.
 */
export async function dryRunRequest(options: {
  clusterAccess: ClusterAccessService;
  input: Parameters<ClusterAccessService['dryRunNamespaceRequest']>[0];
  credentials: BackstageCredentials;
  logger: LoggerService;
  output: (name: 'status' | 'manifests', value: string) => void;
}): Promise<void> {
  const { clusterAccess, input, credentials, logger } = options;
  const dryRun = await clusterAccess
    .dryRunNamespaceRequest(input, { credentials })
    .catch(e => Promise.reject(stepFailure(e)));
  const manifests = dryRun.manifests
    .map(m => stringify(m, { lineWidth: 0 }))
    .join('---\n');
  const outcome =
    dryRun.approval === 'none'
      ? 'would be made at once'
      : 'would wait for an approver';
  logger.info(
    `Dry run: namespace ${dryRun.namespace} on ${dryRun.cluster} (${dryRun.tier}) ${outcome}; nothing was filed. It would apply:\n${manifests}`,
  );
  options.output('status', 'dry-run');
  options.output('manifests', manifests);
}
