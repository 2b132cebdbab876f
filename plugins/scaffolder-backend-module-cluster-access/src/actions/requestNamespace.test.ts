import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { REASON_MAX_LENGTH } from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessService } from '@cluster-access/plugin-cluster-access-node';
import { createRequestNamespaceAction } from './requestNamespace';

const input = {
  cluster: 'sandbox',
  namespace: 'payments-api-dev',
  owner: 'group:default/payments',
  tier: 'dev',
  reason: 'the payments API',
};

function context(
  checkpoints = new Map<string, unknown>(),
  extra: { isDryRun?: boolean; input?: Record<string, unknown> } = {},
) {
  const outputs: Record<string, unknown> = {};
  const credentials = mockCredentials.user('user:default/alice');
  const logger = mockServices.logger.mock();
  return {
    outputs,
    credentials,
    logger,
    ctx: {
      input: { ...input, ...extra.input },
      isDryRun: extra.isDryRun ?? false,
      logger,
      workspacePath: '/tmp',
      task: { id: 'task-1' },
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      getInitiatorCredentials: async () => credentials,
      createTemporaryDirectory: async () => '/tmp',
      // Like the scaffolder: a key that ran before returns its stored result.
      checkpoint: async ({ key, fn }: { key: string; fn: () => unknown }) => {
        if (!checkpoints.has(key)) checkpoints.set(key, await fn());
        return checkpoints.get(key);
      },
    } as any,
  };
}

/** A refusal as the backend sends it, parsed the way the -node client parses it. */
async function backendError(status: number, name: string, message: string) {
  const response = new Response(
    JSON.stringify({
      error: {
        name,
        message,
        stack: `${name}: ${message}\n    at createResourceAuthorizer (/app/src/service/resourcePermissions.ts:52:13)`,
      },
      request: { method: 'POST', url: '/api/cluster-access/requests' },
      response: { statusCode: status },
    }),
    { status, headers: { 'content-type': 'application/json' } },
  );
  return ResponseError.fromResponse(response);
}

describe('cluster-access:namespace:request', () => {
  it('files the request as the user who runs the template and outputs the namespace and a link to the request', async () => {
    const requestNamespace = jest.fn(async () => ({
      ...input,
      id: 'r-1',
      status: 'approved' as const,
      requester: 'user:default/alice',
      createdAt: '2026-12-01T00:00:00Z',
      updatedAt: '2026-12-01T00:00:00Z',
    }));
    const dryRunNamespaceRequest = jest.fn();
    const clusterAccess = {
      requestNamespace,
      dryRunNamespaceRequest,
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    expect(action.id).toBe('cluster-access:namespace:request');
    const checkpoints = new Map<string, unknown>();
    const { ctx, outputs, credentials } = context(checkpoints);
    await action.handler(ctx);
    expect(requestNamespace).toHaveBeenCalledWith(input, { credentials });
    expect(dryRunNamespaceRequest).not.toHaveBeenCalled();
    const expected = {
      namespace: 'payments-api-dev',
      requestId: 'r-1',
      status: 'approved',
      requestUrl: '/cluster-access/requests?request=r-1',
    };
    expect(outputs).toEqual(expected);
    // A retried task does not file a second request.
    const retry = context(checkpoints);
    await action.handler(retry.ctx);
    expect(requestNamespace).toHaveBeenCalledTimes(1);
    expect(retry.outputs).toEqual(expected);
    // The link follows the page when it is mounted elsewhere.
    const moved = context(checkpoints, { input: { pagePath: '/k8s/' } });
    await action.handler(moved.ctx);
    expect(moved.outputs.requestUrl).toBe('/k8s/requests?request=r-1');
  });

  it('ends the step on a 403 with the one-line reason, not a stack trace', async () => {
    const reason =
      'You are not allowed to cluster-access.request.create for tier prod on cluster sandbox owned by group:default/payments';
    const refusal = await backendError(403, 'NotAllowedError', reason);
    const clusterAccess = {
      requestNamespace: jest.fn(async () => {
        throw refusal;
      }),
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    const { ctx, outputs } = context();
    const error = await action.handler(ctx).catch(e => e);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toBe(`Cluster Access refused: ${reason}`);
    // The scaffolder writes a failed step's `stack` into the task log.
    expect(error.stack).toBe(`Cluster Access refused: ${reason}`);
    expect(error.cause).toBeUndefined();
    expect(outputs).toEqual({ namespace: 'payments-api-dev' });
  });

  it('says in one line when the backend cannot be reached', async () => {
    const clusterAccess = {
      requestNamespace: jest.fn(async () => {
        throw new TypeError('fetch failed\n    at node:internal/deps/undici');
      }),
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    const error = await action.handler(context().ctx).catch(e => e);
    expect(error.stack).toBe(
      'Could not reach Cluster Access: fetch failed at node:internal/deps/undici',
    );
  });

  it('in a dry run checks the request with the backend and logs the manifests, filing nothing', async () => {
    const dryRunNamespaceRequest = jest.fn(async () => ({
      cluster: 'sandbox',
      namespace: 'payments-api-dev',
      owner: 'group:default/payments',
      tier: 'dev',
      approval: 'none' as const,
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'payments-api-dev' },
        },
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: {
            name: 'cluster-access-quota',
            namespace: 'payments-api-dev',
          },
          spec: { hard: { pods: '20' } },
        },
      ],
    }));
    const requestNamespace = jest.fn();
    const clusterAccess = {
      requestNamespace,
      dryRunNamespaceRequest,
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    const { ctx, outputs, logger, credentials } = context(undefined, {
      isDryRun: true,
    });
    await action.handler(ctx);
    expect(requestNamespace).not.toHaveBeenCalled();
    expect(dryRunNamespaceRequest).toHaveBeenCalledWith(input, {
      credentials,
    });
    const yaml = [
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: payments-api-dev',
      '---',
      'apiVersion: v1',
      'kind: ResourceQuota',
      'metadata:',
      '  name: cluster-access-quota',
      '  namespace: payments-api-dev',
      'spec:',
      '  hard:',
      '    pods: "20"',
      '',
    ].join('\n');
    expect(outputs).toEqual({
      namespace: 'payments-api-dev',
      status: 'dry-run',
      manifests: yaml,
    });
    expect(logger.info).toHaveBeenCalledWith(
      `Dry run: namespace payments-api-dev on sandbox (dev) would be made at once; nothing was filed. It would apply:\n${yaml}`,
    );
  });

  it('in a dry run fails the step with the reason the backend gives', async () => {
    const conflict = await backendError(
      409,
      'ConflictError',
      'Namespace payments-api-dev on cluster sandbox is already requested or in use',
    );
    const clusterAccess = {
      dryRunNamespaceRequest: jest.fn(async () => {
        throw conflict;
      }),
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    const error = await action
      .handler(context(undefined, { isDryRun: true }).ctx)
      .catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.stack).toBe(
      'Cluster Access answered 409: Namespace payments-api-dev on cluster sandbox is already requested or in use',
    );
  });

  it('declares its input and output schema, and that it supports dry runs', () => {
    const action = createRequestNamespaceAction({
      clusterAccess: {} as ClusterAccessService,
    });
    const schema = action.schema as any;
    expect(Object.keys(schema.input.properties).sort()).toEqual([
      'cluster',
      'namespace',
      'owner',
      'pagePath',
      'reason',
      'tier',
    ]);
    // The backend's limit, from the one constant both use.
    expect(schema.input.properties.reason.maxLength).toBe(REASON_MAX_LENGTH);
    expect(schema.input.required.sort()).toEqual([
      'cluster',
      'namespace',
      'owner',
      'reason',
      'tier',
    ]);
    expect(Object.keys(schema.output.properties).sort()).toEqual([
      'manifests',
      'namespace',
      'requestId',
      'requestUrl',
      'status',
    ]);
    expect(action.supportsDryRun).toBe(true);
  });
});
