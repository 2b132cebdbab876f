import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterAccessService } from '@cluster-access/plugin-cluster-access-node';
import { examples } from './requestNamespace.examples';

/** Id of the action in templates. */
export const REQUEST_NAMESPACE_ACTION_ID = 'cluster-access:namespace:request';

/**
 * `cluster-access:namespace:request`: files a namespace request as the user
 * who runs the template, so the backend applies the same checks as for the
 * user themselves (permission, membership of the owner Group, naming rule).
 * Tiers without approval are approved at once; others wait for an approver.
 *
 * @public
 */
export function createRequestNamespaceAction(options: {
  clusterAccess: ClusterAccessService;
}) {
  return createTemplateAction({
    id: REQUEST_NAMESPACE_ACTION_ID,
    description:
      'Requests a Kubernetes namespace for a Group through Cluster Access, as the user running the template',
    examples,
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
            .max(2000)
            .describe('Why it is needed; shown to approvers'),
      },
      output: {
        requestId: z => z.string().describe('Id of the namespace request'),
        status: z =>
          z
            .string()
            .describe(
              'Status right after filing: approved (no approval needed) or pending',
            ),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      // A retried task must not file a second request: the first answer is
      // kept in a checkpoint.
      const request = await ctx.checkpoint({
        key: `cluster-access-namespace-request-${ctx.input.cluster}-${ctx.input.namespace}`,
        fn: async () => {
          const created = await options.clusterAccess.requestNamespace(
            {
              cluster: ctx.input.cluster,
              namespace: ctx.input.namespace,
              owner: ctx.input.owner,
              tier: ctx.input.tier,
              reason: ctx.input.reason,
            },
            { credentials },
          );
          return { id: created.id, status: created.status };
        },
      });
      ctx.logger.info(
        `Namespace request ${request.id} for ${ctx.input.namespace} on ${ctx.input.cluster} is ${request.status}`,
      );
      ctx.output('requestId', request.id);
      ctx.output('status', request.status);
    },
  });
}
