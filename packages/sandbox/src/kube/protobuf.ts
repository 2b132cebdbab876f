/*
 * Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`).
 *
 * kubectl 1.32's typed clients (`create namespace|configmap|role|rolebinding|quota|secret|
 * serviceaccount|deployment|service`,
 * `auth whoami`, `auth can-i`) send their bodies as protobuf, and client-go does not retry a
 * 415 with JSON, so a faithful peer must read them. Responses stay JSON: those clients accept
 * `application/json` too.
 *
 * The wire format is `k8s\0` + a `runtime.Unknown` message whose `raw` field holds the object.
 * Field numbers below are those of the upstream generated.proto files (stable by protobuf's
 * compatibility rules). Only the kinds those kubectl commands send are described; any other
 * kind is answered with 415, as an apiserver without that codec would.
 */
import { unsupportedMediaType } from './errors';

type FieldType =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'int'
  | 'time'
  | 'quantity'
  | 'intOrString'
  | 'map<string,string>'
  | 'map<string,bytes>'
  | 'map<string,quantity>'
  | 'map<string,extra>'
  | { message: string };

interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

type MessageSpec = Record<number, FieldSpec>;

const f = (name: string, type: FieldType, repeated = false): FieldSpec => ({
  name,
  type,
  repeated,
});
const m = (message: string) => ({ message });

const messages: Record<string, MessageSpec> = {
  // k8s.io/apimachinery/pkg/runtime
  Unknown: {
    1: f('typeMeta', m('TypeMeta')),
    2: f('raw', 'bytes'),
    3: f('contentEncoding', 'string'),
    4: f('contentType', 'string'),
  },
  TypeMeta: { 1: f('apiVersion', 'string'), 2: f('kind', 'string') },
  // k8s.io/apimachinery/pkg/apis/meta/v1
  ObjectMeta: {
    1: f('name', 'string'),
    2: f('generateName', 'string'),
    3: f('namespace', 'string'),
    4: f('selfLink', 'string'),
    5: f('uid', 'string'),
    6: f('resourceVersion', 'string'),
    7: f('generation', 'int'),
    8: f('creationTimestamp', 'time'),
    9: f('deletionTimestamp', 'time'),
    10: f('deletionGracePeriodSeconds', 'int'),
    11: f('labels', 'map<string,string>'),
    12: f('annotations', 'map<string,string>'),
    13: f('ownerReferences', m('OwnerReference'), true),
    14: f('finalizers', 'string', true),
    17: f('managedFields', m('ManagedFieldsEntry'), true),
  },
  OwnerReference: {
    1: f('kind', 'string'),
    3: f('name', 'string'),
    4: f('uid', 'string'),
    5: f('apiVersion', 'string'),
    6: f('controller', 'bool'),
    7: f('blockOwnerDeletion', 'bool'),
  },
  ManagedFieldsEntry: {
    1: f('manager', 'string'),
    2: f('operation', 'string'),
    3: f('apiVersion', 'string'),
    4: f('time', 'time'),
    6: f('fieldsType', 'string'),
    7: f('fieldsV1', m('FieldsV1')),
    8: f('subresource', 'string'),
  },
  FieldsV1: { 1: f('Raw', 'bytes') },
  LabelSelector: {
    1: f('matchLabels', 'map<string,string>'),
    2: f('matchExpressions', m('LabelSelectorRequirement'), true),
  },
  LabelSelectorRequirement: {
    1: f('key', 'string'),
    2: f('operator', 'string'),
    3: f('values', 'string', true),
  },
  DeleteOptions: {
    1: f('gracePeriodSeconds', 'int'),
    2: f('preconditions', m('Preconditions')),
    3: f('orphanDependents', 'bool'),
    4: f('propagationPolicy', 'string'),
    5: f('dryRun', 'string', true),
  },
  Preconditions: { 1: f('uid', 'string'), 2: f('resourceVersion', 'string') },
  // k8s.io/api/core/v1
  Namespace: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('NamespaceSpec')),
  },
  NamespaceSpec: { 1: f('finalizers', 'string', true) },
  ConfigMap: {
    1: f('metadata', m('ObjectMeta')),
    2: f('data', 'map<string,string>'),
    3: f('binaryData', 'map<string,bytes>'),
    4: f('immutable', 'bool'),
  },
  ResourceQuota: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('ResourceQuotaSpec')),
  },
  ResourceQuotaSpec: {
    1: f('hard', 'map<string,quantity>'),
    2: f('scopes', 'string', true),
    3: f('scopeSelector', m('ScopeSelector')),
  },
  ScopeSelector: {
    1: f('matchExpressions', m('ScopedResourceSelectorRequirement'), true),
  },
  ScopedResourceSelectorRequirement: {
    1: f('scopeName', 'string'),
    2: f('operator', 'string'),
    3: f('values', 'string', true),
  },
  Secret: {
    1: f('metadata', m('ObjectMeta')),
    2: f('data', 'map<string,bytes>'),
    3: f('type', 'string'),
    4: f('stringData', 'map<string,string>'),
    5: f('immutable', 'bool'),
  },
  ServiceAccount: {
    1: f('metadata', m('ObjectMeta')),
    2: f('secrets', m('ObjectReference'), true),
    3: f('imagePullSecrets', m('LocalObjectReference'), true),
    4: f('automountServiceAccountToken', 'bool'),
  },
  ObjectReference: {
    1: f('kind', 'string'),
    2: f('namespace', 'string'),
    3: f('name', 'string'),
    4: f('uid', 'string'),
    5: f('apiVersion', 'string'),
    6: f('resourceVersion', 'string'),
    7: f('fieldPath', 'string'),
  },
  LocalObjectReference: { 1: f('name', 'string') },
  Service: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('ServiceSpec')),
  },
  ServiceSpec: {
    1: f('ports', m('ServicePort'), true),
    2: f('selector', 'map<string,string>'),
    3: f('clusterIP', 'string'),
    4: f('type', 'string'),
    5: f('externalIPs', 'string', true),
    7: f('sessionAffinity', 'string'),
    10: f('externalName', 'string'),
    11: f('externalTrafficPolicy', 'string'),
  },
  ServicePort: {
    1: f('name', 'string'),
    2: f('protocol', 'string'),
    3: f('port', 'int'),
    4: f('targetPort', 'intOrString'),
    5: f('nodePort', 'int'),
    6: f('appProtocol', 'string'),
  },
  // Pod specs as `kubectl create deployment` sends them (fields it never sends, such as
  // volumes, probes or security contexts, are not described and would be skipped).
  PodTemplateSpec: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('PodSpec')),
  },
  PodSpec: {
    2: f('containers', m('Container'), true),
    3: f('restartPolicy', 'string'),
    4: f('terminationGracePeriodSeconds', 'int'),
    5: f('activeDeadlineSeconds', 'int'),
    6: f('dnsPolicy', 'string'),
    7: f('nodeSelector', 'map<string,string>'),
    8: f('serviceAccountName', 'string'),
    9: f('serviceAccount', 'string'),
    10: f('nodeName', 'string'),
    11: f('hostNetwork', 'bool'),
    12: f('hostPID', 'bool'),
    13: f('hostIPC', 'bool'),
    15: f('imagePullSecrets', m('LocalObjectReference'), true),
    16: f('hostname', 'string'),
    17: f('subdomain', 'string'),
    19: f('schedulerName', 'string'),
    20: f('initContainers', m('Container'), true),
    21: f('automountServiceAccountToken', 'bool'),
    24: f('priorityClassName', 'string'),
    27: f('shareProcessNamespace', 'bool'),
    29: f('runtimeClassName', 'string'),
    30: f('enableServiceLinks', 'bool'),
  },
  Container: {
    1: f('name', 'string'),
    2: f('image', 'string'),
    3: f('command', 'string', true),
    4: f('args', 'string', true),
    5: f('workingDir', 'string'),
    6: f('ports', m('ContainerPort'), true),
    7: f('env', m('EnvVar'), true),
    8: f('resources', m('ResourceRequirements')),
    13: f('terminationMessagePath', 'string'),
    14: f('imagePullPolicy', 'string'),
    16: f('stdin', 'bool'),
    17: f('stdinOnce', 'bool'),
    18: f('tty', 'bool'),
    20: f('terminationMessagePolicy', 'string'),
  },
  ContainerPort: {
    1: f('name', 'string'),
    2: f('hostPort', 'int'),
    3: f('containerPort', 'int'),
    4: f('protocol', 'string'),
    5: f('hostIP', 'string'),
  },
  EnvVar: { 1: f('name', 'string'), 2: f('value', 'string') },
  ResourceRequirements: {
    1: f('limits', 'map<string,quantity>'),
    2: f('requests', 'map<string,quantity>'),
  },
  // k8s.io/api/apps/v1
  Deployment: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('DeploymentSpec')),
  },
  DeploymentSpec: {
    1: f('replicas', 'int'),
    2: f('selector', m('LabelSelector')),
    3: f('template', m('PodTemplateSpec')),
    4: f('strategy', m('DeploymentStrategy')),
    5: f('minReadySeconds', 'int'),
    6: f('revisionHistoryLimit', 'int'),
    7: f('paused', 'bool'),
    9: f('progressDeadlineSeconds', 'int'),
  },
  DeploymentStrategy: {
    1: f('type', 'string'),
    2: f('rollingUpdate', m('RollingUpdateDeployment')),
  },
  RollingUpdateDeployment: {
    1: f('maxUnavailable', 'intOrString'),
    2: f('maxSurge', 'intOrString'),
  },
  // k8s.io/apimachinery/pkg/util/intstr
  IntOrString: {
    1: f('type', 'int'),
    2: f('intVal', 'int'),
    3: f('strVal', 'string'),
  },
  // k8s.io/api/rbac/v1
  Role: {
    1: f('metadata', m('ObjectMeta')),
    2: f('rules', m('PolicyRule'), true),
  },
  ClusterRole: {
    1: f('metadata', m('ObjectMeta')),
    2: f('rules', m('PolicyRule'), true),
    3: f('aggregationRule', m('AggregationRule')),
  },
  AggregationRule: { 1: f('clusterRoleSelectors', m('LabelSelector'), true) },
  PolicyRule: {
    1: f('verbs', 'string', true),
    2: f('apiGroups', 'string', true),
    3: f('resources', 'string', true),
    4: f('resourceNames', 'string', true),
    5: f('nonResourceURLs', 'string', true),
  },
  RoleBinding: {
    1: f('metadata', m('ObjectMeta')),
    2: f('subjects', m('Subject'), true),
    3: f('roleRef', m('RoleRef')),
  },
  ClusterRoleBinding: {
    1: f('metadata', m('ObjectMeta')),
    2: f('subjects', m('Subject'), true),
    3: f('roleRef', m('RoleRef')),
  },
  Subject: {
    1: f('kind', 'string'),
    2: f('apiGroup', 'string'),
    3: f('name', 'string'),
    4: f('namespace', 'string'),
  },
  RoleRef: {
    1: f('apiGroup', 'string'),
    2: f('kind', 'string'),
    3: f('name', 'string'),
  },
  // k8s.io/api/authorization/v1
  SelfSubjectAccessReview: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('SelfSubjectAccessReviewSpec')),
  },
  SelfSubjectAccessReviewSpec: {
    1: f('resourceAttributes', m('ResourceAttributes')),
    2: f('nonResourceAttributes', m('NonResourceAttributes')),
  },
  SubjectAccessReview: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('SubjectAccessReviewSpec')),
  },
  LocalSubjectAccessReview: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('SubjectAccessReviewSpec')),
  },
  SubjectAccessReviewSpec: {
    1: f('resourceAttributes', m('ResourceAttributes')),
    2: f('nonResourceAttributes', m('NonResourceAttributes')),
    3: f('user', 'string'),
    4: f('groups', 'string', true),
    5: f('extra', 'map<string,extra>'),
    6: f('uid', 'string'),
  },
  ResourceAttributes: {
    1: f('namespace', 'string'),
    2: f('verb', 'string'),
    3: f('group', 'string'),
    4: f('version', 'string'),
    5: f('resource', 'string'),
    6: f('subresource', 'string'),
    7: f('name', 'string'),
  },
  NonResourceAttributes: { 1: f('path', 'string'), 2: f('verb', 'string') },
  SelfSubjectRulesReview: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('SelfSubjectRulesReviewSpec')),
  },
  SelfSubjectRulesReviewSpec: { 1: f('namespace', 'string') },
  ExtraValue: { 1: f('items', 'string', true) },
  // k8s.io/api/authentication/v1
  SelfSubjectReview: { 1: f('metadata', m('ObjectMeta')) },
  TokenReview: {
    1: f('metadata', m('ObjectMeta')),
    2: f('spec', m('TokenReviewSpec')),
  },
  TokenReviewSpec: {
    1: f('token', 'string'),
    2: f('audiences', 'string', true),
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      // Multiplication instead of shifts keeps values above 2^31 exact (up to 2^53).
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  }

  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }
}

function decodeMapEntry(buf: Buffer): {
  key: string;
  value: Buffer | undefined;
} {
  const r = new Reader(buf);
  let key = '';
  let value: Buffer | undefined;
  while (!r.done()) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) key = r.bytes().toString('utf8');
    else if (field === 2 && wire === 2) value = r.bytes();
    else r.skip(wire);
  }
  return { key, value };
}

function decodeTime(buf: Buffer): string | undefined {
  const r = new Reader(buf);
  let seconds = 0;
  while (!r.done()) {
    const tag = r.varint();
    if (tag === 8) seconds = r.varint();
    else r.skip(tag & 7);
  }
  // The zero time is how Go encodes an unset timestamp.
  if (seconds === 0) return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === '' ||
    v === 0 ||
    v === false ||
    (Array.isArray(v) && v.length === 0)
  );
}

/** Decodes one message into JSON, dropping zero values like Go's `omitempty` JSON encoding does. */
function decodeMessage(buf: Buffer, name: string): Record<string, unknown> {
  const spec = messages[name];
  if (!spec) throw new Error(`no protobuf schema for ${name}`);
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = r.varint();
    const fieldNo = Math.floor(tag / 8);
    const wire = tag & 7;
    const field = spec[fieldNo];
    if (!field) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    const t = field.type;
    if (t === 'bool') value = r.varint() !== 0;
    else if (t === 'int') value = r.varint();
    else if (wire !== 2) {
      r.skip(wire);
      continue;
    } else {
      const bytes = r.bytes();
      if (t === 'string') value = bytes.toString('utf8');
      else if (t === 'bytes') value = Buffer.from(bytes);
      else if (t === 'time') value = decodeTime(bytes);
      else if (t === 'quantity') value = decodeMessageQuantity(bytes);
      else if (t === 'intOrString') value = decodeIntOrString(bytes);
      else if (typeof t === 'object') value = decodeMessage(bytes, t.message);
      else {
        const { key, value: raw } = decodeMapEntry(bytes);
        const map = (out[field.name] as Record<string, unknown>) ?? {};
        if (t === 'map<string,string>')
          map[key] = raw ? raw.toString('utf8') : '';
        else if (t === 'map<string,bytes>')
          map[key] = (raw ?? Buffer.alloc(0)).toString('base64');
        else if (t === 'map<string,quantity>')
          map[key] = raw ? decodeMessageQuantity(raw) : '0';
        else if (t === 'map<string,extra>') {
          map[key] = raw ? decodeMessage(raw, 'ExtraValue').items ?? [] : [];
        }
        out[field.name] = map;
        continue;
      }
    }
    if (field.repeated) {
      const list = (out[field.name] as unknown[]) ?? [];
      list.push(value);
      out[field.name] = list;
    } else {
      out[field.name] = value;
    }
  }
  for (const [k, v] of Object.entries(out)) {
    if (isEmpty(v)) delete out[k];
  }
  return out;
}

/** `intstr.IntOrString`: {type, intVal, strVal} on the wire, a number or a string in JSON. */
function decodeIntOrString(buf: Buffer): number | string {
  const v = decodeMessage(buf, 'IntOrString');
  return v.type === 1 ? String(v.strVal ?? '') : Number(v.intVal ?? 0);
}

function decodeMessageQuantity(buf: Buffer): string {
  const r = new Reader(buf);
  let s = '';
  while (!r.done()) {
    const tag = r.varint();
    if (tag === 10) s = r.bytes().toString('utf8');
    else r.skip(tag & 7);
  }
  return s;
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * Decodes a Kubernetes protobuf request body into the JSON object it stands for. Throws 415
 * for kinds this peer has no protobuf schema for.
 */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) {
    throw unsupportedMediaType(
      'application/vnd.kubernetes.protobuf (missing k8s magic prefix)',
    );
  }
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeMessage(body.subarray(4), 'Unknown');
  } catch {
    throw unsupportedMediaType(
      'application/vnd.kubernetes.protobuf (malformed envelope)',
    );
  }
  const typeMeta = (unknown.typeMeta ?? {}) as {
    apiVersion?: string;
    kind?: string;
  };
  const kind = typeMeta.kind ?? '';
  if (
    !messages[kind] ||
    !(messages[kind][1]?.name === 'metadata' || kind === 'DeleteOptions')
  ) {
    throw unsupportedMediaType(
      `application/vnd.kubernetes.protobuf (kind ${kind || 'unknown'})`,
    );
  }
  const raw = (unknown.raw as Buffer | undefined) ?? Buffer.alloc(0);
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(raw, kind);
  } catch {
    throw unsupportedMediaType(
      `application/vnd.kubernetes.protobuf (malformed ${kind})`,
    );
  }
  return {
    ...(typeMeta.apiVersion ? { apiVersion: typeMeta.apiVersion } : {}),
    kind,
    ...obj,
  };
}
