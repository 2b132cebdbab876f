import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { REASON_MAX_LENGTH } from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessService } from '@cluster-access/plugin-cluster-access-node';
import { examples } from './requestNamespace.examples';
import { dryRunRequest } from './dryRun';
import { stepFailure } from './failures';

const OUTPUT = {
  requestId: 'Id of the namespace request (not in a dry run)',
  status:
    'Status right after filing: approved (no approval needed) or pending; dry-run in a dry run',
  requestUrl:
    'Link to the request on the Cluster Access page, for output.links (not in a dry run)',
  manifests:
    'In a dry run: the objects that would be applied, as YAML documents',
};

/**
 * Id of the action in templates.
 *
 * @public
 */
export const REQUEST_NAMESPACE_ACTION_ID = 'cluster-access:namespace:request';

/**
 * Where the portal shows one request: the Requests tab of the Cluster Access
 * page (mounted at `/cluster-access` by default), which opens its details.
 */
export function requestLink(requestId: string, pagePath = '/cluster-access') {
  return `${pagePath.replace(/\/+$/, '')}/requests?request=${encodeURIComponent(
    requestId,
  )}`;
}

/**
 * `cluster-access:namespace:request`: files a namespace request as the user
 * who runs the template, so the backend applies the same checks as for the
 * user themselves (permission, membership of the owner Group, naming rule).
 * Tiers without approval are approved at once; others wait for an approver.
 * In a dry run it files nothing: the backend checks the request and the step
 * logs the manifests that would be applied.
 *
 * @public
 */
// Most of its length is the declared schema; the dry run and the refusals
// are in dryRun.ts and failures.ts.
// eslint-disable-next-line max-lines-per-function
export function createRequestNamespaceAction(options: {
  clusterAccess: ClusterAccessService;
}) {
  return createTemplateAction({
    id: REQUEST_NAMESPACE_ACTION_ID,
    description:
      'Requests a Kubernetes namespace for a Group through Cluster Access, as the user running the template',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z.string().min(1).describe('Name of a configured cluster'),
        namespace: z =>
          z
            .string()
            .min(1)
            .max(63)
            .describe("Namespace name; must follow the tier's naming rule"),
        owner: z =>
          z
            .string()
            .min(1)
            .describe('Owner Group entity ref; the user must belong to it'),
        tier: z => z.string().min(1).describe('Tier, e.g. dev or qa'),
        reason: z =>
          z
            .string()
            .min(1)
            .max(REASON_MAX_LENGTH)
            .describe('Why it is needed; shown to approvers'),
        pagePath: z =>
          z
            .string()
            .regex(/^\//, 'must be a path starting with /')
            .optional()
            .describe(
              'Path of the Cluster Access page in the portal, for the link to the request (default /cluster-access)',
            ),
      },
      output: {
        namespace: z => z.string().describe('The namespace name'),
        requestId: z => z.string().optional().describe(OUTPUT.requestId),
        status: z => z.string().describe(OUTPUT.status),
        requestUrl: z => z.string().optional().describe(OUTPUT.requestUrl),
        manifests: z => z.string().optional().describe(OUTPUT.manifests),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      const input = {
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        owner: ctx.input.owner,
        tier: ctx.input.tier,
        reason: ctx.input.reason,
      };
      ctx.output('namespace', input.namespace);
      if (ctx.isDryRun) {
        await dryRunRequest({
          clusterAccess: options.clusterAccess,
          input,
          credentials,
          logger: ctx.logger,
          output: (name, value) => ctx.output(name, value),
        });
        return;
      }
      // A retried task must not file a second request: the first answer is
      // kept in a checkpoint.
      const request = await ctx.checkpoint({
        key: `cluster-access-namespace-request-${input.cluster}-${input.namespace}`,
        fn: async () => {
          const created = await options.clusterAccess
            .requestNamespace(input, { credentials })
            .catch(e => Promise.reject(stepFailure(e)));
          return { id: created.id, status: created.status };
        },
      });
      ctx.logger.info(
        `Namespace request ${request.id} for ${input.namespace} on ${input.cluster} is ${request.status}`,
      );
      ctx.output('requestId', request.id);
      ctx.output('status', request.status);
      ctx.output('requestUrl', requestLink(request.id, ctx.input.pagePath));
    },
  });
}
