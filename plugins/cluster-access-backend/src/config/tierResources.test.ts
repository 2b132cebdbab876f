import { ConfigReader } from '@backstage/config';
import { Config } from '@backstage/config';
import { readClusterAccessSettings } from './readClusterAccessSettings';

/** The namespace part of the settings, with what namespaces read of the rest. */
function readNamespacesConfig(config: Config) {
  const settings = readClusterAccessSettings(config);
  return {
    ...settings.namespaces,
    clusters: settings.clusters,
    usernameFormat: settings.certificates.usernameFormat,
    groupPrefix: settings.certificates.groupPrefix,
  };
}
import { DEFAULT_TIERS } from './defaultTiers';
import { tierResourceAdvice, tierResourceProblems } from './tierResources';

const cluster = {
  name: 'sandbox',
  url: 'https://127.0.0.1:6443/',
  serviceAccountToken: 'secret-token',
};

function startWith(tier: object) {
  return () =>
    readNamespacesConfig(
      new ConfigReader({
        clusterAccess: {
          clusters: [cluster],
          tiers: [
            { name: 'dev', approval: 'none' },
            { name: 'broken', approval: 'none', ...tier },
          ],
        },
      }),
    );
}

describe('tier quota and limit range rules at startup', () => {
  it('accepts the shipped tiers', () => {
    for (const tier of DEFAULT_TIERS) {
      expect(tierResourceProblems(tier)).toEqual([]);
      expect(tierResourceAdvice(tier)).toEqual([]);
    }
  });

  it('refuses fractional object counts, naming the tier and the key', () => {
    expect(startWith({ resourceQuota: { pods: '1.5' } })).toThrow(
      'Invalid configuration: clusterAccess.tiers[1] (broken) would be refused by Kubernetes: resourceQuota.pods: 1.5 must be a whole number',
    );
    expect(
      startWith({ resourceQuota: { 'count/deployments.apps': '2.5' } }),
    ).toThrow(
      'resourceQuota.count/deployments.apps: 2.5 must be a whole number',
    );
  });

  it('refuses resource names quotas do not know', () => {
    expect(startWith({ resourceQuota: { gpus: '2' } })).toThrow(
      /resourceQuota\.gpus is not a resource Kubernetes quotas know/,
    );
    expect(
      tierResourceProblems({
        resourceQuota: {
          'requests.example.com/gpu': '2',
          'count/configmaps': '10',
          'limits.memory': '8Gi',
        },
        limitRange: {},
      }),
    ).toEqual([]);
  });

  it('refuses limit range defaults out of order', () => {
    expect(
      startWith({
        limitRange: {
          defaultRequest: { cpu: '1' },
          default: { cpu: '500m' },
        },
      }),
    ).toThrow(
      'limitRange.defaultRequest.cpu (1) is greater than limitRange.default.cpu (500m); Kubernetes requires min ≤ defaultRequest ≤ default ≤ max',
    );
    expect(
      tierResourceProblems({
        resourceQuota: {},
        limitRange: { min: { memory: '1Gi' }, max: { memory: '512Mi' } },
      }),
    ).toEqual([
      'limitRange.min.memory (1Gi) is greater than limitRange.max.memory (512Mi); Kubernetes requires min ≤ defaultRequest ≤ default ≤ max',
    ]);
  });

  it('refuses container resource names and ratios Kubernetes refuses', () => {
    expect(
      tierResourceProblems({
        resourceQuota: {},
        limitRange: {
          default: { 'requests.cpu': '1' },
          min: { cpu: '100m' },
          max: { cpu: '1' },
          maxLimitRequestRatio: { cpu: '20', memory: '0.5' },
        },
      }),
    ).toEqual([
      'limitRange.default.requests.cpu is not a container resource: use cpu, memory, ephemeral-storage, hugepages-<size> or a fully qualified name such as example.com/gpu',
      'limitRange.maxLimitRequestRatio.cpu (20) is greater than max/min (1/100m)',
      'limitRange.maxLimitRequestRatio.memory (0.5) must be at least 1',
    ]);
    expect(
      tierResourceProblems({
        resourceQuota: {},
        limitRange: {
          default: { 'example.com/gpu': '2' },
          defaultRequest: { 'example.com/gpu': '1' },
        },
      }),
    ).toEqual([
      'limitRange.default.example.com/gpu (2) must equal limitRange.defaultRequest.example.com/gpu (1): example.com/gpu cannot be overcommitted',
    ]);
  });

  it('advises when a quota makes every container state what no default gives', () => {
    expect(
      tierResourceAdvice({
        resourceQuota: { 'limits.cpu': '4', 'requests.memory': '1Gi' },
        limitRange: { defaultRequest: { cpu: '100m' } },
      }),
    ).toEqual([
      'resourceQuota.limits.cpu is set but limitRange gives no default for cpu: every container in the namespace will have to state it, or Kubernetes refuses the pod',
      'resourceQuota.requests.memory is set but limitRange gives no default for memory: every container in the namespace will have to state it, or Kubernetes refuses the pod',
    ]);
  });
});
