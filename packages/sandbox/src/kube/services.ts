/*
 * Services and Secrets: defaults (cluster IP and node port allocation, `stringData` folded
 * into `data`) and the validation kube-apiserver applies to them, with its messages.
 */
import { randomInt } from 'node:crypto';
import { badRequest, FieldError, KubeStatusError } from './errors';
import { configKeyRe } from './names';

type Obj = Record<string, any>;

const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const q = JSON.stringify;
const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** Allocated addresses and ports of the existing Services, to hand out free ones. */
export interface ServiceAllocations {
  clusterIPs: Set<string>;
  nodePorts: Set<number>;
}

const internal = (why: string) =>
  new KubeStatusError({
    code: 500,
    reason: 'InternalError',
    message: `Internal error occurred: ${why}`,
  });

function allocateClusterIP(used: Set<string>): string {
  // The default service CIDR 10.96.0.0/12; .1 is the `kubernetes` Service's.
  for (let n = 10; n < 1 << 20; n++) {
    const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    if (!used.has(ip)) return ip;
  }
  throw internal('failed to allocate a serviceIP: range is full');
}

function allocateNodePort(used: Set<number>): number {
  for (let tries = 0; tries < 5000; tries++) {
    const port = 30000 + randomInt(2768);
    if (!used.has(port)) return port;
  }
  throw internal('failed to allocate a nodePort: range is full');
}

/**
 * SetDefaults_Service plus the allocations the registry makes on create; on update the
 * allocated values of `old` are kept when the new object leaves them out.
 */
export function defaultService(
  svc: Obj,
  old: Obj | undefined,
  used: ServiceAllocations,
): void {
  svc.spec = isObject(svc.spec) ? svc.spec : {};
  const spec = svc.spec;
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  const ports: Obj[] = Array.isArray(spec.ports)
    ? spec.ports.filter(isObject)
    : [];
  for (const p of ports) {
    p.protocol ||= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type === 'ExternalName') return;
  const oldSpec = old?.spec ?? {};
  if (!spec.clusterIP && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    spec.clusterIPs = oldSpec.clusterIPs;
  }
  spec.clusterIP ||= allocateClusterIP(used.clusterIPs);
  spec.clusterIPs ??= [spec.clusterIP];
  if (spec.clusterIP !== 'None') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    ports.forEach((p, i) => {
      p.nodePort ??=
        oldSpec.ports?.[i]?.nodePort ?? allocateNodePort(used.nodePorts);
    });
  }
  svc.status = { loadBalancer: {} };
}

function portProblem(value: unknown): boolean {
  return (
    !Number.isInteger(value) ||
    (value as number) < 1 ||
    (value as number) > 65535
  );
}

/** ValidateService, the subset described in the peer's README. */
export function validateService(svc: Obj, errors: FieldError[]): void {
  const spec = isObject(svc.spec) ? svc.spec : {};
  if (!serviceTypes.includes(spec.type)) {
    errors.push({
      field: 'spec.type',
      type: 'FieldValueNotSupported',
      detail: `${q(spec.type ?? '')}: supported values: ${serviceTypes
        .map(t => q(t))
        .join(', ')}`,
    });
  }
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) {
      errors.push({
        field: 'spec.externalName',
        type: 'FieldValueRequired',
        detail: '',
      });
    }
  } else if (ports.length === 0) {
    errors.push({
      field: 'spec.ports',
      type: 'FieldValueRequired',
      detail: '',
    });
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) {
      errors.push({
        field: `${at}.name`,
        type: 'FieldValueRequired',
        detail: '',
      });
    } else if (p?.name && names.has(p.name)) {
      errors.push({
        field: `${at}.name`,
        type: 'FieldValueDuplicate',
        detail: q(p.name),
      });
    }
    if (p?.name) names.add(p.name);
    if (portProblem(p?.port)) {
      errors.push({
        field: `${at}.port`,
        type: 'FieldValueInvalid',
        detail: `${p?.port ?? 0}: must be between 1 and 65535, inclusive`,
      });
    }
    if (!['TCP', 'UDP', 'SCTP'].includes(p?.protocol)) {
      errors.push({
        field: `${at}.protocol`,
        type: 'FieldValueNotSupported',
        detail: `${q(
          p?.protocol ?? '',
        )}: supported values: "SCTP", "TCP", "UDP"`,
      });
    }
    if (typeof p?.targetPort === 'number' && portProblem(p.targetPort)) {
      errors.push({
        field: `${at}.targetPort`,
        type: 'FieldValueInvalid',
        detail: `${p.targetPort}: must be between 1 and 65535, inclusive`,
      });
    }
  });
}

const requiredSecretKeys: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

/**
 * Decoding and SetDefaults_Secret: `data` must be base64 (the decoder refuses anything else
 * with 400), `stringData` is folded into `data`, the type defaults to `Opaque`.
 */
export function defaultSecret(secret: Obj): void {
  const data: Obj = isObject(secret.data) ? secret.data : {};
  for (const v of Object.values(data)) {
    const text = String(v);
    const bad = text.search(/[^A-Za-z0-9+/=]|=[^=]/);
    if (typeof v !== 'string' || bad >= 0 || text.length % 4 !== 0) {
      const at = bad >= 0 ? bad : text.length - (text.length % 4);
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}`,
      );
    }
  }
  if (isObject(secret.stringData)) {
    for (const [k, v] of Object.entries(secret.stringData)) {
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    }
  }
  delete secret.stringData;
  if (Object.keys(data).length > 0) secret.data = data;
  secret.type ||= 'Opaque';
}

/** ValidateSecret: keys, size and the keys each built-in type requires. */
export function validateSecret(secret: Obj, errors: FieldError[]): void {
  let size = 0;
  for (const [k, v] of Object.entries(
    isObject(secret.data) ? secret.data : {},
  )) {
    if (!configKeyRe.test(k)) {
      errors.push({
        field: `data[${k}]`,
        type: 'FieldValueInvalid',
        detail: `${q(
          k,
        )}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      });
    }
    size += Buffer.from(String(v), 'base64').length;
  }
  if (size > 1024 * 1024) {
    // field.TooLong(dataPath, "", core.MaxSecretSize), which omits the value.
    errors.push({
      field: 'data',
      type: 'FieldValueTooLong',
      detail: 'may not be more than 1048576 bytes',
    });
  }
  for (const key of requiredSecretKeys[secret.type] ?? []) {
    if (secret.data?.[key] === undefined) {
      errors.push({
        field: `data[${key}]`,
        type: 'FieldValueRequired',
        detail: '',
      });
    }
  }
  if (
    secret.type === 'kubernetes.io/service-account-token' &&
    !secret.metadata?.annotations?.['kubernetes.io/service-account.name']
  ) {
    errors.push({
      field: 'metadata.annotations[kubernetes.io/service-account.name]',
      type: 'FieldValueRequired',
      detail: '',
    });
  }
}

/** ValidateSecretUpdate: the type never changes; an immutable secret keeps its data. */
export function validateSecretUpdate(
  old: Obj,
  secret: Obj,
  errors: FieldError[],
): void {
  if (old.type !== secret.type) {
    errors.push({
      field: 'type',
      type: 'FieldValueInvalid',
      detail: `${q(secret.type)}: field is immutable`,
    });
  }
  if (old.immutable === true) {
    if (secret.immutable !== true) {
      errors.push({
        field: 'immutable',
        type: 'FieldValueForbidden',
        detail: 'field is immutable when `immutable` is set',
      });
    }
    if (JSON.stringify(old.data ?? {}) !== JSON.stringify(secret.data ?? {})) {
      errors.push({
        field: 'data',
        type: 'FieldValueForbidden',
        detail: 'field is immutable when `immutable` is set',
      });
    }
  }
}
