import { unsupportedPolicyFields } from './admissionPolicy';
import { FieldError, invalid } from './errors';
import {
  configKeyRe,
  labelValueMsg,
  labelValueRe,
  nameProblems,
  qualifiedNameProblems,
} from './names';
import {
  validateLimitRangeSpec,
  validateResourceQuotaSpec,
} from './resource-validation';
import { KubeObject, ResourceType } from './resources';
import {
  validateSecret,
  validateSecretUpdate,
  validateService,
} from './services';
import {
  validateDeployment,
  validateDeploymentUpdate,
  validatePodSpec,
  validatePodUpdate,
} from './workloads';

const q = (v: unknown) => JSON.stringify(v);

function validateMeta(
  obj: KubeObject,
  type: ResourceType,
  errors: FieldError[],
): void {
  const meta = obj.metadata ?? {};
  const name = meta.name ?? '';
  if (!name) {
    errors.push({
      field: 'metadata.name',
      type: 'FieldValueRequired',
      detail: 'name or generateName is required',
    });
  } else {
    for (const p of nameProblems(name, type.nameRule ?? 'dns1123Subdomain')) {
      errors.push({
        field: 'metadata.name',
        type: 'FieldValueInvalid',
        detail: `${q(name)}: ${p}`,
      });
    }
  }
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    for (const p of qualifiedNameProblems(k)) {
      errors.push({
        field: 'metadata.labels',
        type: 'FieldValueInvalid',
        detail: `${q(k)}: ${p}`,
      });
    }
    if (typeof v !== 'string' || v.length > 63 || !labelValueRe.test(v)) {
      errors.push({
        field: 'metadata.labels',
        type: 'FieldValueInvalid',
        detail: `${q(v)}: ${
          typeof v === 'string' && v.length > 63
            ? 'must be no more than 63 characters'
            : labelValueMsg
        }`,
      });
    }
  }
  validateAnnotations(meta.annotations ?? {}, errors);
}

/** apimachinery's `TotalAnnotationSizeLimitB`: 256 KiB of keys and values together. */
const totalAnnotationSizeLimitB = 256 * 1024;

/**
 * apimachinery's `ValidateAnnotations`: keys are qualified names (in any case), and keys and
 * values together hold at most 256 KiB, counted in bytes as Go's `len` counts them.
 */
function validateAnnotations(
  annotations: Record<string, string>,
  errors: FieldError[],
): void {
  let totalSize = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const p of qualifiedNameProblems(k.toLowerCase())) {
      errors.push({
        field: 'metadata.annotations',
        type: 'FieldValueInvalid',
        detail: `${q(k)}: ${p}`,
      });
    }
    totalSize += Buffer.byteLength(k) + Buffer.byteLength(String(v ?? ''));
  }
  if (totalSize > totalAnnotationSizeLimitB) {
    // field.TooLong(fldPath, "", TotalAnnotationSizeLimitB), which omits the value.
    errors.push({
      field: 'metadata.annotations',
      type: 'FieldValueTooLong',
      detail: `may not be more than ${totalAnnotationSizeLimitB} bytes`,
    });
  }
}

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { missingProperty?: string };
}

function ajvPathToField(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => {
      if (/^\d+$/.test(part)) return `${acc}[${part}]`;
      return acc ? `${acc}.${part}` : part;
    }, '');
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: any = obj;
  for (const part of instancePath.split('/').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function validateModel(
  obj: KubeObject,
  type: ResourceType,
  errors: FieldError[],
): void {
  const Model = type.model;
  if (!Model) return;
  try {
    new Model(obj).validate();
  } catch (e) {
    const ajvErrors: AjvError[] = Array.isArray((e as any)?.errors)
      ? (e as any).errors
      : [];
    if (ajvErrors.length === 0) {
      errors.push({
        field: '<object>',
        type: 'FieldValueInvalid',
        detail: String((e as Error).message),
      });
      return;
    }
    // oneOf failures report every branch; fold them into one error per field.
    const byField = new Map<string, { value: unknown; messages: string[] }>();
    for (const err of ajvErrors) {
      if (err.keyword === 'required' && err.params?.missingProperty) {
        const base = ajvPathToField(err.instancePath ?? '');
        errors.push({
          field: base
            ? `${base}.${err.params.missingProperty}`
            : err.params.missingProperty,
          type: 'FieldValueRequired',
          detail: err.message ?? 'is required',
        });
        continue;
      }
      const field = ajvPathToField(err.instancePath ?? '') || '<object>';
      const entry = byField.get(field) ?? {
        value: valueAt(obj, err.instancePath ?? ''),
        messages: [],
      };
      if (err.message && !entry.messages.includes(err.message)) {
        entry.messages.push(err.message);
      }
      byField.set(field, entry);
    }
    for (const [field, { value, messages }] of byField) {
      errors.push({
        field,
        type: 'FieldValueInvalid',
        detail: `${q(value)}: ${messages.join(', ')}`,
      });
    }
  }
}

interface PolicyRuleLike {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

function validatePolicyRules(
  rules: PolicyRuleLike[] | undefined,
  namespaced: boolean,
  errors: FieldError[],
): void {
  (rules ?? []).forEach((rule, i) => {
    const path = `rules[${i}]`;
    if (!rule.verbs?.length) {
      errors.push({
        field: `${path}.verbs`,
        type: 'FieldValueRequired',
        detail: 'verbs must contain at least one value',
      });
    }
    if (rule.nonResourceURLs?.length) {
      if (namespaced) {
        errors.push({
          field: `${path}.nonResourceURLs`,
          type: 'FieldValueInvalid',
          detail: `${q(
            rule.nonResourceURLs,
          )}: namespaced rules cannot apply to non-resource URLs`,
        });
      }
      if (
        rule.apiGroups?.length ||
        rule.resources?.length ||
        rule.resourceNames?.length
      ) {
        errors.push({
          field: `${path}.nonResourceURLs`,
          type: 'FieldValueInvalid',
          detail: `${q(
            rule.nonResourceURLs,
          )}: rules cannot apply to both regular resources and non-resource URLs`,
        });
      }
      return;
    }
    if (!rule.apiGroups?.length) {
      errors.push({
        field: `${path}.apiGroups`,
        type: 'FieldValueRequired',
        detail: 'resource rules must supply at least one api group',
      });
    }
    if (!rule.resources?.length) {
      errors.push({
        field: `${path}.resources`,
        type: 'FieldValueRequired',
        detail: 'resource rules must supply at least one resource',
      });
    }
  });
}

const rbacGroup = 'rbac.authorization.k8s.io';

function validateBinding(
  obj: KubeObject,
  clusterScoped: boolean,
  errors: FieldError[],
): void {
  const roleRef = (obj.roleRef ?? {}) as Record<string, string>;
  if (roleRef.apiGroup !== rbacGroup) {
    errors.push({
      field: 'roleRef.apiGroup',
      type: 'FieldValueNotSupported',
      detail: `${q(roleRef.apiGroup ?? '')}: supported values: "${rbacGroup}"`,
    });
  }
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(roleRef.kind)) {
    errors.push({
      field: 'roleRef.kind',
      type: 'FieldValueNotSupported',
      detail: `${q(roleRef.kind ?? '')}: supported values: ${kinds
        .map(k => q(k))
        .join(', ')}`,
    });
  }
  if (!roleRef.name) {
    errors.push({
      field: 'roleRef.name',
      type: 'FieldValueRequired',
      detail: '',
    });
  } else {
    for (const p of nameProblems(roleRef.name, 'pathSegment')) {
      errors.push({
        field: 'roleRef.name',
        type: 'FieldValueInvalid',
        detail: `${q(roleRef.name)}: ${p}`,
      });
    }
  }
  const subjects = (obj.subjects ?? []) as Record<string, string>[];
  subjects.forEach((s, i) => {
    const path = `subjects[${i}]`;
    if (!s.name) {
      errors.push({
        field: `${path}.name`,
        type: 'FieldValueRequired',
        detail: '',
      });
    }
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) {
          errors.push({
            field: `${path}.apiGroup`,
            type: 'FieldValueNotSupported',
            detail: `${q(s.apiGroup)}: supported values: ""`,
          });
        }
        if (!s.namespace && clusterScoped) {
          errors.push({
            field: `${path}.namespace`,
            type: 'FieldValueRequired',
            detail: '',
          });
        }
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== rbacGroup) {
          errors.push({
            field: `${path}.apiGroup`,
            type: 'FieldValueNotSupported',
            detail: `${q(s.apiGroup ?? '')}: supported values: "${rbacGroup}"`,
          });
        }
        break;
      default:
        errors.push({
          field: `${path}.kind`,
          type: 'FieldValueNotSupported',
          detail: `${q(
            s.kind ?? '',
          )}: supported values: "ServiceAccount", "User", "Group"`,
        });
    }
  });
}

function validateKindSpecific(
  obj: KubeObject,
  type: ResourceType,
  errors: FieldError[],
): void {
  switch (type.kind) {
    case 'ConfigMap':
      for (const field of ['data', 'binaryData']) {
        for (const key of Object.keys((obj[field] ?? {}) as object)) {
          if (!configKeyRe.test(key)) {
            errors.push({
              field: `${field}[${key}]`,
              type: 'FieldValueInvalid',
              detail: `${q(
                key,
              )}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
            });
          }
        }
      }
      break;
    case 'ResourceQuota':
      validateResourceQuotaSpec(obj.spec, errors);
      break;
    case 'LimitRange':
      validateLimitRangeSpec(obj.spec, errors);
      break;
    case 'Pod':
      validatePodSpec(obj.spec as Record<string, unknown>, 'spec', errors);
      break;
    case 'Deployment':
      validateDeployment(obj, errors);
      break;
    case 'Service':
      validateService(obj, errors);
      break;
    case 'Secret':
      validateSecret(obj, errors);
      break;
    case 'Role':
      validatePolicyRules(obj.rules as PolicyRuleLike[], true, errors);
      break;
    case 'ClusterRole':
      validatePolicyRules(obj.rules as PolicyRuleLike[], false, errors);
      break;
    case 'RoleBinding':
      validateBinding(obj, false, errors);
      break;
    case 'ClusterRoleBinding':
      validateBinding(obj, true, errors);
      break;
    case 'ValidatingAdmissionPolicy':
    case 'ValidatingAdmissionPolicyBinding':
      errors.push(...unsupportedPolicyFields(obj));
      break;
    default:
      break;
  }
}

/**
 * Validates an object about to be stored: schema (kubernetes-models), name and metadata
 * rules, and the per-kind checks kube-apiserver applies. Throws a 422 `Invalid` Status.
 */
export function validateObject(obj: KubeObject, type: ResourceType): void {
  const errors: FieldError[] = [];
  validateMeta(obj, type, errors);
  validateModel(obj, type, errors);
  validateKindSpecific(obj, type, errors);
  if (errors.length > 0) {
    throw invalid(type.kind, type.group, obj.metadata?.name ?? '', errors);
  }
}

/** Validates the immutable parts of an update. Throws a 422 `Invalid` Status. */
export function validateUpdate(
  oldObj: KubeObject,
  newObj: KubeObject,
  type: ResourceType,
): void {
  const errors: FieldError[] = [];
  switch (type.kind) {
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      if (JSON.stringify(oldObj.roleRef) !== JSON.stringify(newObj.roleRef)) {
        errors.push({
          field: 'roleRef',
          type: 'FieldValueInvalid',
          detail: `${q(newObj.roleRef)}: cannot change roleRef`,
        });
      }
      break;
    case 'Pod':
      validatePodUpdate(oldObj, newObj, errors);
      break;
    case 'Deployment':
      validateDeploymentUpdate(oldObj, newObj, errors);
      break;
    case 'Secret':
      validateSecretUpdate(oldObj, newObj, errors);
      break;
    default:
      break;
  }
  if (errors.length > 0) {
    throw invalid(type.kind, type.group, newObj.metadata?.name ?? '', errors);
  }
}
