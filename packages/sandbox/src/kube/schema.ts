/*
 * The structure (field names only) of the served kinds, so the peer treats unknown fields the
 * way kube-apiserver does: decoding into Go structs drops them, `fieldValidation=Strict`
 * (kubectl's default) rejects them with 400, and `Warn` (the server default) keeps the request
 * but returns a `Warning` header. A peer that stored unknown fields would hide typos in the
 * clients it is meant to test.
 */
import { badRequest } from './errors';
import { KubeObject } from './resources';

type Shape =
  | 'leaf'
  | { struct: Record<string, Shape> }
  | { list: Shape }
  | { map: Shape };

const leaf = 'leaf' as const;
const struct = (fields: Record<string, Shape>): Shape => ({ struct: fields });
const list = (item: Shape): Shape => ({ list: item });
const map = (value: Shape = leaf): Shape => ({ map: value });

const labelSelector = struct({
  matchLabels: map(),
  matchExpressions: list(
    struct({ key: leaf, operator: leaf, values: list(leaf) }),
  ),
});

const objectMeta = struct({
  name: leaf,
  generateName: leaf,
  namespace: leaf,
  selfLink: leaf,
  uid: leaf,
  resourceVersion: leaf,
  generation: leaf,
  creationTimestamp: leaf,
  deletionTimestamp: leaf,
  deletionGracePeriodSeconds: leaf,
  labels: map(),
  annotations: map(),
  ownerReferences: list(
    struct({
      apiVersion: leaf,
      kind: leaf,
      name: leaf,
      uid: leaf,
      controller: leaf,
      blockOwnerDeletion: leaf,
    }),
  ),
  finalizers: list(leaf),
  managedFields: list(
    struct({
      manager: leaf,
      operation: leaf,
      apiVersion: leaf,
      time: leaf,
      fieldsType: leaf,
      fieldsV1: leaf,
      subresource: leaf,
    }),
  ),
});

const top = (fields: Record<string, Shape>): Shape =>
  struct({ apiVersion: leaf, kind: leaf, metadata: objectMeta, ...fields });

const policyRule = struct({
  verbs: list(leaf),
  apiGroups: list(leaf),
  resources: list(leaf),
  resourceNames: list(leaf),
  nonResourceURLs: list(leaf),
});

const binding = top({
  subjects: list(
    struct({ kind: leaf, apiGroup: leaf, name: leaf, namespace: leaf }),
  ),
  roleRef: struct({ apiGroup: leaf, kind: leaf, name: leaf }),
});

const networkPolicyPeer = struct({
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: struct({ cidr: leaf, except: list(leaf) }),
});
const networkPolicyPort = struct({ protocol: leaf, port: leaf, endPort: leaf });

/** Fields with these names take any value (their structure is not checked). */
const opaque = (...names: string[]): Record<string, Shape> =>
  Object.fromEntries(names.map(n => [n, leaf]));

const securityContext = struct({
  ...opaque(
    'allowPrivilegeEscalation',
    'appArmorProfile',
    'privileged',
    'procMount',
    'readOnlyRootFilesystem',
    'runAsGroup',
    'runAsNonRoot',
    'runAsUser',
    'seLinuxOptions',
    'seccompProfile',
    'windowsOptions',
  ),
  capabilities: struct({ add: list(leaf), drop: list(leaf) }),
});

// Containers are checked down to their own fields and those of ports, resources and the
// security context; probes, lifecycle hooks and env sources are taken as sent.
const container = struct({
  ...opaque(
    'args',
    'command',
    'envFrom',
    'image',
    'imagePullPolicy',
    'lifecycle',
    'livenessProbe',
    'name',
    'readinessProbe',
    'resizePolicy',
    'restartPolicy',
    'startupProbe',
    'stdin',
    'stdinOnce',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'tty',
    'volumeDevices',
    'workingDir',
  ),
  env: list(struct(opaque('name', 'value', 'valueFrom'))),
  ports: list(
    struct(opaque('containerPort', 'hostIP', 'hostPort', 'name', 'protocol')),
  ),
  resources: struct({ limits: map(), requests: map(), claims: list(leaf) }),
  securityContext,
  volumeMounts: list(
    struct(
      opaque(
        'mountPath',
        'mountPropagation',
        'name',
        'readOnly',
        'recursiveReadOnly',
        'subPath',
        'subPathExpr',
      ),
    ),
  ),
});

const volume = struct(
  opaque(
    'name',
    'awsElasticBlockStore',
    'azureDisk',
    'azureFile',
    'cephfs',
    'cinder',
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'fc',
    'flexVolume',
    'flocker',
    'gcePersistentDisk',
    'gitRepo',
    'glusterfs',
    'hostPath',
    'image',
    'iscsi',
    'nfs',
    'persistentVolumeClaim',
    'photonPersistentDisk',
    'portworxVolume',
    'projected',
    'quobyte',
    'rbd',
    'scaleIO',
    'secret',
    'storageos',
    'vsphereVolume',
  ),
);

const podSpec = struct({
  ...opaque(
    'activeDeadlineSeconds',
    'affinity',
    'automountServiceAccountToken',
    'dnsConfig',
    'dnsPolicy',
    'enableServiceLinks',
    'hostAliases',
    'hostIPC',
    'hostNetwork',
    'hostPID',
    'hostUsers',
    'hostname',
    'imagePullSecrets',
    'nodeName',
    'nodeSelector',
    'os',
    'overhead',
    'preemptionPolicy',
    'priority',
    'priorityClassName',
    'readinessGates',
    'resourceClaims',
    'resources',
    'restartPolicy',
    'runtimeClassName',
    'schedulerName',
    'schedulingGates',
    'serviceAccount',
    'serviceAccountName',
    'setHostnameAsFQDN',
    'shareProcessNamespace',
    'subdomain',
    'terminationGracePeriodSeconds',
    'tolerations',
    'topologySpreadConstraints',
  ),
  containers: list(container),
  initContainers: list(container),
  ephemeralContainers: list(leaf),
  securityContext: struct({
    ...opaque(
      'appArmorProfile',
      'fsGroup',
      'fsGroupChangePolicy',
      'runAsGroup',
      'runAsNonRoot',
      'runAsUser',
      'seLinuxChangePolicy',
      'seLinuxOptions',
      'seccompProfile',
      'supplementalGroups',
      'supplementalGroupsPolicy',
      'sysctls',
      'windowsOptions',
    ),
  }),
  volumes: list(volume),
});

const podTemplate = struct({ metadata: objectMeta, spec: podSpec });

const shapes: Record<string, Shape> = {
  Namespace: top({
    spec: struct({ finalizers: list(leaf) }),
    status: struct({ phase: leaf, conditions: list(leaf) }),
  }),
  ConfigMap: top({ data: map(), binaryData: map(), immutable: leaf }),
  ResourceQuota: top({
    spec: struct({
      hard: map(),
      scopes: list(leaf),
      scopeSelector: struct({
        matchExpressions: list(
          struct({ scopeName: leaf, operator: leaf, values: list(leaf) }),
        ),
      }),
    }),
    status: struct({ hard: map(), used: map() }),
  }),
  LimitRange: top({
    spec: struct({
      limits: list(
        struct({
          type: leaf,
          max: map(),
          min: map(),
          default: map(),
          defaultRequest: map(),
          maxLimitRequestRatio: map(),
        }),
      ),
    }),
  }),
  NetworkPolicy: top({
    spec: struct({
      podSelector: labelSelector,
      policyTypes: list(leaf),
      ingress: list(
        struct({
          from: list(networkPolicyPeer),
          ports: list(networkPolicyPort),
        }),
      ),
      egress: list(
        struct({ to: list(networkPolicyPeer), ports: list(networkPolicyPort) }),
      ),
    }),
  }),
  Pod: top({ spec: podSpec, status: leaf }),
  Service: top({
    spec: struct({
      ports: list(
        struct(
          opaque(
            'appProtocol',
            'name',
            'nodePort',
            'port',
            'protocol',
            'targetPort',
          ),
        ),
      ),
      ...opaque(
        'allocateLoadBalancerNodePorts',
        'clusterIP',
        'clusterIPs',
        'externalIPs',
        'externalName',
        'externalTrafficPolicy',
        'healthCheckNodePort',
        'internalTrafficPolicy',
        'ipFamilies',
        'ipFamilyPolicy',
        'loadBalancerClass',
        'loadBalancerIP',
        'loadBalancerSourceRanges',
        'publishNotReadyAddresses',
        'selector',
        'sessionAffinity',
        'sessionAffinityConfig',
        'trafficDistribution',
        'type',
      ),
    }),
    status: leaf,
  }),
  Secret: top(opaque('data', 'stringData', 'type', 'immutable')),
  ServiceAccount: top(
    opaque('automountServiceAccountToken', 'imagePullSecrets', 'secrets'),
  ),
  Deployment: top({
    spec: struct({
      ...opaque(
        'minReadySeconds',
        'paused',
        'progressDeadlineSeconds',
        'replicas',
        'revisionHistoryLimit',
        'strategy',
      ),
      selector: labelSelector,
      template: podTemplate,
    }),
    status: leaf,
  }),
  Role: top({ rules: list(policyRule) }),
  ClusterRole: top({
    rules: list(policyRule),
    aggregationRule: struct({ clusterRoleSelectors: list(labelSelector) }),
  }),
  RoleBinding: binding,
  ClusterRoleBinding: binding,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Removes fields the kind does not declare from `obj` (in place); returns their paths. */
export function pruneUnknownFields(kind: string, obj: KubeObject): string[] {
  const shape = shapes[kind];
  if (!shape) return [];
  const unknown: string[] = [];
  const walk = (value: unknown, s: Shape, path: string) => {
    if (s === 'leaf' || value === null || value === undefined) return;
    if ('struct' in s) {
      if (!isObject(value)) return;
      for (const key of Object.keys(value)) {
        const child = s.struct[key];
        const childPath = path ? `${path}.${key}` : key;
        if (!child) {
          unknown.push(childPath);
          delete value[key];
        } else {
          walk(value[key], child, childPath);
        }
      }
    } else if ('list' in s) {
      if (Array.isArray(value))
        value.forEach((v, i) => walk(v, s.list, `${path}[${i}]`));
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value))
        walk(v, s.map, `${path}[${k}]`);
    }
  };
  walk(obj, shape, '');
  return unknown;
}

/** The `fieldValidation` directive of a request. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Parses the `fieldValidation` query parameter (default `Warn`, as in kube-apiserver). */
export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict')
    return value;
  throw badRequest(
    `fieldValidation: Unsupported value: ${JSON.stringify(
      value,
    )}: supported values: "Ignore", "Strict", "Warn"`,
  );
}

/**
 * Prunes unknown fields and applies the directive: Strict → 400 like kube-apiserver's strict
 * decoder, Warn → returns the warnings to send, Ignore → nothing.
 */
export function handleUnknownFields(
  kind: string,
  obj: KubeObject,
  directive: FieldValidation,
): string[] {
  const unknown = pruneUnknownFields(kind, obj);
  if (unknown.length === 0 || directive === 'Ignore') return [];
  const texts = unknown.map(p => `unknown field "${p}"`);
  if (directive === 'Strict') {
    throw badRequest(`strict decoding error: ${texts.join(', ')}`);
  }
  return texts;
}
