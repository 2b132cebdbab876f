/*
 * Where the product depends on kube-apiserver being strict: quota and limit range rules,
 * namespace termination, expired continue tokens and Retry-After, through client-node.
 */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { startKubePeer, KubePeer } from './index';
import { failure, kubeConfigFor, rawRequest } from './__testUtils__/clients';

// Real kubectl and TLS round trips on loaded CI cores run past jest's 5 s default.
jest.setTimeout(30_000);

describe('kube peer strictness', () => {
  let peer: KubePeer;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    peer = await startKubePeer({ namespaceTerminationMs: 1500 });
    const kc = kubeConfigFor(peer, { token: peer.adminToken });
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'strict' } } });
  });
  afterAll(() => peer.close());

  const quota = (name: string, hard: Record<string, string>) =>
    core.createNamespacedResourceQuota({
      namespace: 'strict',
      body: { metadata: { name }, spec: { hard } },
    });
  const limits = (name: string, item: Record<string, unknown>) =>
    core.createNamespacedLimitRange({
      namespace: 'strict',
      body: {
        metadata: { name },
        spec: { limits: [{ type: 'Container', ...item }] },
      },
    });

  it('refuses quota values a real cluster refuses, with its messages', async () => {
    const fraction = await failure(quota('q1', { pods: '1.5' }));
    expect(fraction.code).toBe(422);
    expect(fraction.status.message).toBe(
      'ResourceQuota "q1" is invalid: spec.hard[pods]: Invalid value: 1500m: must be an integer',
    );
    const negative = await failure(quota('q2', { 'requests.cpu': '-1' }));
    expect(negative.status.message).toBe(
      'ResourceQuota "q2" is invalid: spec.hard[requests.cpu]: Invalid value: "-1": must be greater than or equal to 0',
    );
    const unknown = await failure(quota('q3', { gpus: '2' }));
    expect(unknown.status.message).toBe(
      'ResourceQuota "q3" is invalid: [spec.hard[gpus]: Invalid value: gpus: must be a standard resource type or fully qualified, spec.hard[gpus]: Invalid value: gpus: must be a standard resource for quota]',
    );
    const counts = await failure(
      quota('q4', { 'count/deployments.apps': '0.5' }),
    );
    expect(counts.status.message).toContain('must be an integer');
    // Fully qualified names and canonical forms are fine; values are stored canonically.
    const ok = await quota('q5', {
      'requests.example.com/gpu': '2',
      'requests.memory': '1024Mi',
      'limits.cpu': '1.5',
    });
    expect(ok.spec?.hard).toEqual({
      'requests.example.com/gpu': '2',
      'requests.memory': '1Gi',
      'limits.cpu': '1500m',
    });
    await core.deleteNamespacedResourceQuota({
      namespace: 'strict',
      name: 'q5',
    });
  });

  it('refuses limit ranges whose defaults contradict each other', async () => {
    const inverted = await failure(
      limits('l1', {
        defaultRequest: { cpu: '1' },
        _default: { cpu: '500m' },
      }),
    );
    expect(inverted.code).toBe(422);
    expect(inverted.status.message).toBe(
      'LimitRange "l1" is invalid: spec.limits[0].defaultRequest[cpu]: Invalid value: 1: default request value 1 is greater than default limit value 500m',
    );
    const overMax = await failure(
      limits('l2', { _default: { memory: '2Gi' }, max: { memory: '1Gi' } }),
    );
    // The default limit is also the default request (SetDefaults_LimitRangeItem runs before
    // validation), so both are over the max.
    expect(overMax.status.message).toBe(
      'LimitRange "l2" is invalid: [spec.limits[0].defaultRequest[memory]: Invalid value: 2Gi: default request value 2Gi is greater than max value 1Gi, spec.limits[0].default[memory]: Invalid value: 1Gi: default value 2Gi is greater than max value 1Gi]',
    );
    const ratio = await failure(
      limits('l3', { maxLimitRequestRatio: { cpu: '500m' } }),
    );
    expect(ratio.status.message).toBe(
      'LimitRange "l3" is invalid: spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: 500m: ratio 500m is less than 1',
    );
    const quotaName = await failure(
      limits('l4', { max: { 'requests.cpu': '1' } }),
    );
    // The max is also the default limit and request after defaulting, hence three errors.
    expect(quotaName.status.message).toBe(
      'LimitRange "l4" is invalid: [spec.limits[0].max[requests.cpu]: Invalid value: requests.cpu: must be a standard resource for containers, spec.limits[0].default[requests.cpu]: Invalid value: requests.cpu: must be a standard resource for containers, spec.limits[0].defaultRequest[requests.cpu]: Invalid value: requests.cpu: must be a standard resource for containers]',
    );
  });

  it('seeds objects in the API’s form only: unknown fields are refused, not dropped', () => {
    // client-node's model names (`_default`) are not the API's (`default`):
    // a seed that dropped them would store a LimitRange without defaults.
    expect(() =>
      peer.putObject({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'model-form', namespace: 'strict' },
        spec: {
          limits: [{ type: 'Container', _default: { cpu: '500m' } }],
        },
      }),
    ).toThrow('strict decoding error: unknown field "spec.limits[0]._default"');
    expect(
      peer.getObject({
        apiVersion: 'v1',
        kind: 'LimitRange',
        namespace: 'strict',
        name: 'model-form',
      }),
    ).toBeUndefined();
    peer.putObject({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'api-form', namespace: 'strict' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] },
    });
    expect(
      peer.getObject({
        apiVersion: 'v1',
        kind: 'LimitRange',
        namespace: 'strict',
        name: 'api-form',
      })?.spec,
    ).toEqual({
      // Defaulted as kube-apiserver does: a request defaults to the limit.
      limits: [
        {
          type: 'Container',
          default: { cpu: '500m' },
          defaultRequest: { cpu: '500m' },
        },
      ],
    });
    peer.deleteObject({
      apiVersion: 'v1',
      kind: 'LimitRange',
      namespace: 'strict',
      name: 'api-form',
    });
  });

  it('defaults, limits and counts pods like LimitRanger and ResourceQuota', async () => {
    await limits('defaults', {
      _default: { cpu: '500m', memory: '512Mi' },
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      max: { cpu: '1' },
    });
    await quota('compute', {
      'limits.cpu': '1',
      'requests.memory': '1Gi',
      pods: '5',
    });
    const pod = (name: string, resources: Record<string, unknown> = {}) =>
      core.createNamespacedPod({
        namespace: 'strict',
        body: {
          metadata: { name },
          spec: {
            containers: [{ name: 'app', image: 'nginx:1.27', resources }],
          },
        },
      });
    const first = await pod('one');
    expect(first.spec?.containers[0].resources).toEqual({
      limits: { cpu: '500m', memory: '512Mi' },
      requests: { cpu: '100m', memory: '128Mi' },
    });
    expect(first.metadata?.annotations?.['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
    );
    expect(first.status).toEqual({ phase: 'Pending', qosClass: 'Burstable' });

    const tooBig = await failure(pod('big', { limits: { cpu: '2' } }));
    expect(tooBig.code).toBe(403);
    expect(tooBig.status.message).toBe(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2.',
    );
    await pod('two');
    const over = await failure(pod('three'));
    expect(over.code).toBe(403);
    expect(over.status.message).toBe(
      'pods "three" is forbidden: exceeded quota: compute, requested: limits.cpu=500m, used: limits.cpu=1, limited: limits.cpu=1',
    );
    const status = await core.readNamespacedResourceQuota({
      namespace: 'strict',
      name: 'compute',
    });
    expect(status.status?.used).toEqual({
      'limits.cpu': '1',
      'requests.memory': '256Mi',
      pods: '2',
    });
    await core.deleteNamespacedPod({ namespace: 'strict', name: 'one' });
    await core.deleteNamespacedPod({ namespace: 'strict', name: 'two' });
    await core.deleteNamespacedLimitRange({
      namespace: 'strict',
      name: 'defaults',
    });
    // Without defaults, a quota on cpu makes every container state it.
    const unstated = await failure(pod('bare'));
    expect(unstated.status.message).toBe(
      'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app',
    );
    await core.deleteNamespacedResourceQuota({
      namespace: 'strict',
      name: 'compute',
    });
  });

  it('enforces Pod Security levels from the namespace labels and warns', async () => {
    await core.createNamespace({
      body: {
        metadata: {
          name: 'psa',
          labels: {
            'pod-security.kubernetes.io/enforce': 'baseline',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      },
    });
    const post = (name: string, spec: Record<string, unknown>) =>
      rawRequest(peer, {
        method: 'POST',
        path: '/api/v1/namespaces/psa/pods',
        headers: {
          Authorization: `Bearer ${peer.adminToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ metadata: { name }, spec }),
      });
    const privileged = await post('root', {
      containers: [
        { name: 'c', image: 'nginx', securityContext: { privileged: true } },
      ],
    });
    expect(privileged.status).toBe(403);
    expect(privileged.body.message).toBe(
      'pods "root" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)',
    );
    const plain = await post('plain', {
      containers: [{ name: 'c', image: 'nginx' }],
    });
    expect(plain.status).toBe(201);
    expect(plain.headers.warning).toBe(
      '299 - "would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false (container \\"c\\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \\"c\\" must set securityContext.capabilities.drop=[\\"ALL\\"]), runAsNonRoot != true (pod or container \\"c\\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \\"c\\" must set securityContext.seccompProfile.type to \\"RuntimeDefault\\" or \\"Localhost\\")"',
    );
    const hardened = await post('hardened', {
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'c',
          image: 'nginx',
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    });
    expect(hardened.status).toBe(201);
    expect(hardened.headers.warning).toBeUndefined();
    // Workloads are never refused for their template, only warned about.
    const deployment = await apps.createNamespacedDeployment({
      namespace: 'psa',
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                {
                  name: 'c',
                  image: 'nginx',
                  securityContext: { privileged: true },
                },
              ],
            },
          },
        },
      },
    });
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.spec?.strategy?.type).toBe('RollingUpdate');
  });

  it('validates deployments as kube-apiserver does', async () => {
    const mismatch = await failure(
      apps.createNamespacedDeployment({
        namespace: 'strict',
        body: {
          metadata: { name: 'web' },
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'other' } },
              spec: { containers: [{ name: 'c', image: 'nginx' }] },
            },
          },
        },
      }),
    );
    expect(mismatch.code).toBe(422);
    expect(mismatch.status.message).toBe(
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    );
  });

  it('keeps a deleted namespace Terminating, with the real answers, until it is gone', async () => {
    await core.createNamespace({ body: { metadata: { name: 'leaving' } } });
    const deleted = await core.deleteNamespace({ name: 'leaving' });
    expect((deleted as any).status?.phase).toBe('Terminating');
    const live = await core.readNamespace({ name: 'leaving' });
    expect(live.metadata?.deletionTimestamp).toBeInstanceOf(Date);

    const again = await failure(core.deleteNamespace({ name: 'leaving' }));
    expect(again.code).toBe(409);
    expect(again.status.message).toBe(
      'Operation cannot be fulfilled on namespaces "leaving": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
    );
    const recreate = await failure(
      core.createNamespace({ body: { metadata: { name: 'leaving' } } }),
    );
    expect(recreate.code).toBe(409);
    expect(recreate.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'object is being deleted: namespaces "leaving" already exists',
    });
    const content = await failure(
      core.createNamespacedConfigMap({
        namespace: 'leaving',
        body: { metadata: { name: 'x' } },
      }),
    );
    expect(content.code).toBe(403);
    expect(content.status.message).toBe(
      'configmaps "x" is forbidden: unable to create new content in namespace leaving because it is being terminated',
    );

    const deadline = Date.now() + 10_000;
    for (;;) {
      const code = await core.readNamespace({ name: 'leaving' }).then(
        () => 200,
        e => e.code,
      );
      if (code === 404) break;
      if (Date.now() > deadline)
        throw new Error('the namespace stayed Terminating');
      await new Promise(r => setTimeout(r, 100));
    }
    await core.createNamespace({ body: { metadata: { name: 'leaving' } } });
  });

  it('expires continue tokens on compaction with 410 and an inconsistent continuation', async () => {
    for (const n of ['a', 'b', 'c']) {
      await core.createNamespacedConfigMap({
        namespace: 'strict',
        body: { metadata: { name: `page-${n}` } },
      });
    }
    const first = await core.listNamespacedConfigMap({
      namespace: 'strict',
      limit: 1,
    });
    // etcd still reads at the compacted revision itself: the token expires
    // only once the cluster has moved on and compacted past it.
    peer.compact();
    const same = await core.listNamespacedConfigMap({
      namespace: 'strict',
      limit: 1,
      _continue: first.metadata?._continue,
    });
    expect(same.items.map(i => i.metadata?.name)).toEqual(['page-b']);
    await core.createNamespacedConfigMap({
      namespace: 'strict',
      body: { metadata: { name: 'page-0' } },
    });
    peer.compact();
    const expired = await failure(
      core.listNamespacedConfigMap({
        namespace: 'strict',
        limit: 1,
        _continue: first.metadata?._continue,
      }),
    );
    expect(expired.code).toBe(410);
    expect(expired.status.reason).toBe('Expired');
    expect(expired.status.message).toMatch(
      /^The provided continue parameter is too old/,
    );
    const rest = await core.listNamespacedConfigMap({
      namespace: 'strict',
      _continue: (expired.status as any).metadata.continue,
    });
    expect(rest.items.map(i => i.metadata?.name)).toEqual(['page-b', 'page-c']);
  });

  it('limits annotations to 256 KiB and Secret data to 1 MiB, in bytes, as field.TooLong words it', async () => {
    const withAnnotations = (name: string, value: string) =>
      core.createNamespacedConfigMap({
        namespace: 'strict',
        body: { metadata: { name, annotations: { k: value } } },
      });
    // 1 + 262143 bytes: exactly the limit.
    await withAnnotations('at-limit', 'x'.repeat(262_143));
    // 1 + 131072 two-byte characters: 262145 bytes, though fewer characters.
    const over = await failure(withAnnotations('over', 'é'.repeat(131_072)));
    expect(over.code).toBe(422);
    expect(over.status.message).toBe(
      'ConfigMap "over" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes',
    );
    expect(over.status.details.causes).toEqual([
      {
        reason: 'FieldValueTooLong',
        message: 'Too long: may not be more than 262144 bytes',
        field: 'metadata.annotations',
      },
    ]);
    // Updates are held to the same limit.
    const grow = await failure(
      core.patchNamespacedConfigMap(
        {
          name: 'at-limit',
          namespace: 'strict',
          body: { metadata: { annotations: { k2: 'y' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(grow.code).toBe(422);

    // A Secret's data has its own limit, worded by the same field.TooLong.
    const secret = await failure(
      core.createNamespacedSecret({
        namespace: 'strict',
        body: {
          metadata: { name: 'huge' },
          data: { blob: Buffer.alloc(1024 * 1024 + 1).toString('base64') },
        },
      }),
    );
    expect(secret.status.message).toBe(
      'Secret "huge" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
  });

  it('throttles as the filters do: plain text with Retry-After, no Status', async () => {
    peer.failNext({
      verb: 'list',
      resource: 'configmaps',
      status: 429,
      retryAfterSeconds: 7,
    });
    const throttled = await rawRequest(peer, {
      path: '/api/v1/namespaces/strict/configmaps',
      headers: { Authorization: `Bearer ${peer.adminToken}` },
    });
    // filters.tooManyRequests: Retry-After, then Go's http.Error.
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('7');
    expect(throttled.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(throttled.headers['x-content-type-options']).toBe('nosniff');
    expect(throttled.body).toBe('Too many requests, please try again later.\n');

    // What client-node hands its caller: the text, and the header to wait by.
    peer.failNext({ verb: 'get', resource: 'namespaces', status: 429 });
    const error = await core.readNamespace({ name: 'strict' }).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ApiException);
    expect(error.code).toBe(429);
    expect(error.body).toBe('Too many requests, please try again later.\n');
    expect(error.headers['retry-after']).toBe('1');
  });

  it('sends Retry-After with a Status that says when to retry', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'strict' });
    const future = Number(list.metadata?.resourceVersion) + 1000;
    const tooLarge = await rawRequest(peer, {
      path: `/api/v1/namespaces/strict/configmaps?resourceVersion=${future}&resourceVersionMatch=NotOlderThan`,
      headers: { Authorization: `Bearer ${peer.adminToken}` },
    });
    // responsewriters.ErrorNegotiated copies details.retryAfterSeconds to the header.
    expect(tooLarge.status).toBe(504);
    expect(tooLarge.body.details.retryAfterSeconds).toBe(1);
    expect(tooLarge.headers['retry-after']).toBe('1');
  });
});
