import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { ClusterAccessService } from '@cluster-access/plugin-cluster-access-node';
import { createRequestNamespaceAction } from './requestNamespace';

const input = {
  cluster: 'sandbox',
  namespace: 'payments-api-dev',
  owner: 'group:default/payments',
  tier: 'dev',
  reason: 'the payments API',
};

function context(checkpoints = new Map<string, unknown>()) {
  const outputs: Record<string, unknown> = {};
  const credentials = mockCredentials.user('user:default/alice');
  return {
    outputs,
    credentials,
    ctx: {
      input,
      logger: mockServices.logger.mock(),
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

describe('cluster-access:namespace:request', () => {
  it('files the request as the user who runs the template and outputs id and status', async () => {
    const requestNamespace = jest.fn(async () => ({
      ...input,
      id: 'r-1',
      status: 'approved' as const,
      requester: 'user:default/alice',
      createdAt: '2026-12-01T00:00:00Z',
      updatedAt: '2026-12-01T00:00:00Z',
    }));
    const clusterAccess = {
      requestNamespace,
      getRequest: jest.fn(),
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    expect(action.id).toBe('cluster-access:namespace:request');

    const checkpoints = new Map<string, unknown>();
    const { ctx, outputs, credentials } = context(checkpoints);
    await action.handler(ctx);
    expect(requestNamespace).toHaveBeenCalledWith(input, { credentials });
    expect(outputs).toEqual({ requestId: 'r-1', status: 'approved' });

    // A retried task does not file a second request.
    const retry = context(checkpoints);
    await action.handler(retry.ctx);
    expect(requestNamespace).toHaveBeenCalledTimes(1);
    expect(retry.outputs).toEqual({ requestId: 'r-1', status: 'approved' });
  });

  it('fails the step with the backend refusal', async () => {
    const clusterAccess = {
      requestNamespace: jest.fn(async () => {
        throw new NotAllowedError('not a member of group:default/payments');
      }),
      getRequest: jest.fn(),
    } as unknown as ClusterAccessService;
    const action = createRequestNamespaceAction({ clusterAccess });
    const { ctx, outputs } = context();
    await expect(action.handler(ctx)).rejects.toThrow(/not a member/);
    expect(outputs).toEqual({});
  });

  it('declares its input and output schema', () => {
    const action = createRequestNamespaceAction({
      clusterAccess: {} as ClusterAccessService,
    });
    const schema = action.schema as any;
    expect(Object.keys(schema.input.properties).sort()).toEqual([
      'cluster',
      'namespace',
      'owner',
      'reason',
      'tier',
    ]);
    expect(schema.input.required.sort()).toEqual([
      'cluster',
      'namespace',
      'owner',
      'reason',
      'tier',
    ]);
    expect(Object.keys(schema.output.properties).sort()).toEqual([
      'requestId',
      'status',
    ]);
  });
});
