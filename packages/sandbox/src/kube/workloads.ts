/*
 * Pods and Deployments: the defaults of pkg/apis/core/v1/defaults.go and
 * pkg/apis/apps/v1/defaults.go, and the part of ValidatePodSpec / ValidateDeployment that a
 * person writing a manifest or running `kubectl run` meets, with kube-apiserver's messages.
 * Nothing schedules pods: a Pod stays `Pending`, a Deployment makes no ReplicaSet.
 */
import { FieldError } from './errors';
import { dns1123LabelMsg, dns1123LabelRe } from './names';
import { validateContainerResources } from './resource-validation';

type Obj = Record<string, any>;

const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const q = JSON.stringify;
const supported = (values: string[]) =>
  `supported values: ${values.map(v => q(v)).join(', ')}`;

/** Every container of a pod spec, init containers first (as the visitors upstream do). */
export function allContainers(spec: Obj | undefined): Obj[] {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isObject) : []);
  return [...list(spec?.initContainers), ...list(spec?.containers)];
}

/** The tag of an image reference, `latest` when it has neither tag nor digest. */
function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon < 0 ? 'latest' : lastPart.slice(colon + 1);
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) {
    c.imagePullPolicy =
      imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const port of Array.isArray(c.ports) ? c.ports : []) {
    if (isObject(port)) port.protocol ??= 'TCP';
  }
}

/** SetDefaults_PodSpec and SetDefaults_Container. */
export function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  allContainers(spec).forEach(defaultContainer);
}

/** SetDefaults_Pod: a limit without a request is also the request. */
export function defaultPod(pod: Obj): void {
  pod.spec = isObject(pod.spec) ? pod.spec : {};
  defaultPodSpec(pod.spec);
  pod.spec.enableServiceLinks ??= true;
  for (const c of allContainers(pod.spec)) {
    const limits = isObject(c.resources?.limits) ? c.resources.limits : {};
    const requests = isObject(c.resources?.requests)
      ? c.resources.requests
      : {};
    for (const [k, v] of Object.entries(limits)) requests[k] ??= v;
    if (Object.keys(requests).length > 0) c.resources.requests = requests;
  }
}

/** SetDefaults_Deployment. */
export function defaultDeployment(d: Obj): void {
  d.spec = isObject(d.spec) ? d.spec : {};
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy = isObject(spec.strategy) ? spec.strategy : {};
  spec.strategy.type ||= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (isObject(spec.template)) {
    spec.template.spec = isObject(spec.template.spec) ? spec.template.spec : {};
    defaultPodSpec(spec.template.spec);
  }
}

/** The QoS class kube-apiserver records in a new pod's status. */
export function qosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = allContainers(spec);
  const set = (c: Obj, f: string, r: string) =>
    c.resources?.[f]?.[r] !== undefined;
  const any = containers.some(c =>
    ['cpu', 'memory'].some(r => set(c, 'requests', r) || set(c, 'limits', r)),
  );
  if (!any) return 'BestEffort';
  const guaranteed = containers.every(c =>
    ['cpu', 'memory'].every(
      r =>
        set(c, 'limits', r) &&
        String(c.resources.limits[r]) ===
          String(c.resources.requests?.[r] ?? c.resources.limits[r]),
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function labelName(
  value: unknown,
  field: string,
  errors: FieldError[],
): string | undefined {
  if (typeof value !== 'string' || value === '') {
    errors.push({ field, type: 'FieldValueRequired', detail: '' });
    return undefined;
  }
  if (value.length > 63) {
    errors.push({
      field,
      type: 'FieldValueInvalid',
      detail: `${q(value)}: must be no more than 63 characters`,
    });
  }
  if (!dns1123LabelRe.test(value)) {
    errors.push({
      field,
      type: 'FieldValueInvalid',
      detail: `${q(value)}: ${dns1123LabelMsg}`,
    });
  }
  return value;
}

/** A DNS-1123 label name, unique among `seen` (containers of a pod, volumes), recorded there. */
function uniqueLabelName(
  value: unknown,
  field: string,
  seen: Set<string>,
  errors: FieldError[],
): void {
  const name = labelName(value, field, errors);
  if (name && seen.has(name)) {
    errors.push({ field, type: 'FieldValueDuplicate', detail: q(name) });
  }
  if (name) seen.add(name);
}

function validatePorts(c: Obj, path: string, errors: FieldError[]): void {
  (Array.isArray(c.ports) ? c.ports : []).forEach((p: Obj, i: number) => {
    const at = `${path}.ports[${i}]`;
    const port = p?.containerPort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      errors.push({
        field: `${at}.containerPort`,
        type: 'FieldValueInvalid',
        detail: `${port ?? 0}: must be between 1 and 65535, inclusive`,
      });
    }
    if (!['TCP', 'UDP', 'SCTP'].includes(p?.protocol)) {
      errors.push({
        field: `${at}.protocol`,
        type: 'FieldValueNotSupported',
        detail: `${q(p?.protocol ?? '')}: ${supported(['SCTP', 'TCP', 'UDP'])}`,
      });
    }
  });
}

function validateContainers(
  spec: Obj,
  path: string,
  volumes: Set<string>,
  errors: FieldError[],
): void {
  const names = new Set<string>();
  const check = (list: unknown, kind: string) => {
    (Array.isArray(list) ? list : []).forEach((c: Obj, i: number) => {
      const at = `${path}.${kind}[${i}]`;
      uniqueLabelName(c?.name, `${at}.name`, names, errors);
      if (!c?.image) {
        errors.push({
          field: `${at}.image`,
          type: 'FieldValueRequired',
          detail: '',
        });
      }
      validatePorts(c, at, errors);
      validateContainerResources(c?.resources, `${at}.resources`, errors);
      (Array.isArray(c?.volumeMounts) ? c.volumeMounts : []).forEach(
        (m: Obj, j: number) => {
          if (!volumes.has(m?.name)) {
            errors.push({
              field: `${at}.volumeMounts[${j}].name`,
              type: 'FieldValueNotFound',
              detail: q(m?.name ?? ''),
            });
          }
        },
      );
    });
  };
  check(spec.initContainers, 'initContainers');
  check(spec.containers, 'containers');
}

function validateVolumes(
  spec: Obj,
  path: string,
  errors: FieldError[],
): Set<string> {
  const names = new Set<string>();
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach(
    (v: Obj, i: number) => {
      const at = `${path}.volumes[${i}]`;
      uniqueLabelName(v?.name, `${at}.name`, names, errors);
      const sources = Object.keys(isObject(v) ? v : {}).filter(
        k => k !== 'name',
      );
      if (sources.length === 0) {
        errors.push({
          field: at,
          type: 'FieldValueRequired',
          detail: 'must specify a volume type',
        });
      } else if (sources.length > 1) {
        errors.push({
          field: at,
          type: 'FieldValueForbidden',
          detail: 'may not specify more than 1 volume type',
        });
      }
    },
  );
  return names;
}

/** ValidatePodSpec, the subset described in the peer's README. */
export function validatePodSpec(
  spec: Obj | undefined,
  path: string,
  errors: FieldError[],
  restartPolicies = ['Always', 'OnFailure', 'Never'],
): void {
  const s = isObject(spec) ? spec : {};
  const volumes = validateVolumes(s, path, errors);
  if (!Array.isArray(s.containers) || s.containers.length === 0) {
    errors.push({
      field: `${path}.containers`,
      type: 'FieldValueRequired',
      detail: '',
    });
  }
  validateContainers(s, path, volumes, errors);
  if (!restartPolicies.includes(s.restartPolicy)) {
    errors.push({
      field: `${path}.restartPolicy`,
      type: 'FieldValueNotSupported',
      detail: `${q(s.restartPolicy ?? '')}: ${supported(restartPolicies)}`,
    });
  }
  const dnsPolicies = [
    'ClusterFirstWithHostNet',
    'ClusterFirst',
    'Default',
    'None',
  ];
  if (!dnsPolicies.includes(s.dnsPolicy)) {
    errors.push({
      field: `${path}.dnsPolicy`,
      type: 'FieldValueNotSupported',
      detail: `${q(s.dnsPolicy ?? '')}: ${supported(dnsPolicies)}`,
    });
  }
}

/** Go's `%#v` of a `map[string]string`, as field errors print label maps. */
export function goStringMap(m: Record<string, string> | undefined): string {
  const entries = Object.keys(m ?? {})
    .sort()
    .map(k => `${q(k)}:${q(m![k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** ValidateDeploymentSpec, the subset described in the peer's README. */
export function validateDeployment(d: Obj, errors: FieldError[]): void {
  const spec = isObject(d.spec) ? d.spec : {};
  if (!Number.isInteger(spec.replicas) || spec.replicas < 0) {
    errors.push({
      field: 'spec.replicas',
      type: 'FieldValueInvalid',
      detail: `${spec.replicas}: must be greater than or equal to 0`,
    });
  }
  const selector = spec.selector;
  const matchLabels: Record<string, string> = selector?.matchLabels ?? {};
  const expressions: unknown[] = selector?.matchExpressions ?? [];
  if (!isObject(selector)) {
    errors.push({
      field: 'spec.selector',
      type: 'FieldValueRequired',
      detail: '',
    });
  } else if (
    Object.keys(matchLabels).length === 0 &&
    expressions.length === 0
  ) {
    errors.push({
      field: 'spec.selector',
      type: 'FieldValueInvalid',
      detail:
        'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    });
  }
  const labels: Record<string, string> = spec.template?.metadata?.labels ?? {};
  const matches = Object.entries(matchLabels).every(
    ([k, v]) => labels[k] === v,
  );
  if (isObject(selector) && !matches) {
    errors.push({
      field: 'spec.template.metadata.labels',
      type: 'FieldValueInvalid',
      detail: `${goStringMap(
        labels,
      )}: \`selector\` does not match template \`labels\``,
    });
  }
  validatePodSpec(spec.template?.spec, 'spec.template.spec', errors, [
    'Always',
  ]);
}

/** ValidateDeploymentUpdate: the selector of apps/v1 Deployments is immutable. */
export function validateDeploymentUpdate(
  oldD: Obj,
  d: Obj,
  errors: FieldError[],
): void {
  if (
    JSON.stringify(oldD.spec?.selector) !== JSON.stringify(d.spec?.selector)
  ) {
    errors.push({
      field: 'spec.selector',
      type: 'FieldValueInvalid',
      detail: `v1.LabelSelector{MatchLabels:${goStringMap(
        d.spec?.selector?.matchLabels,
      )}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`,
    });
  }
}

const mutablePodSpecFields = [
  'activeDeadlineSeconds',
  'tolerations',
  'terminationGracePeriodSeconds',
];

/** ValidatePodUpdate: a pod's spec is fixed once created, apart from images and a few fields. */
export function validatePodUpdate(
  oldPod: Obj,
  pod: Obj,
  errors: FieldError[],
): void {
  const strip = (spec: Obj) => {
    const copy = structuredClone(spec ?? {});
    for (const f of mutablePodSpecFields) delete copy[f];
    for (const c of allContainers(copy)) delete c.image;
    return JSON.stringify(copy);
  };
  if (strip(oldPod.spec) !== strip(pod.spec)) {
    errors.push({
      field: 'spec',
      type: 'FieldValueForbidden',
      detail:
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    });
  }
}
