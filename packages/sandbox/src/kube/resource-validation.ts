/*
 * What kube-apiserver checks about resource names and quantities
 * (pkg/apis/core/validation: ValidateResourceQuota, ValidateLimitRange,
 * ValidateResourceQuantityValue, validateResourceRequirements; the name sets of
 * pkg/apis/core/helper), with its messages. A tier that passes the schema but breaks these
 * rules is refused with 422 by a real cluster, so the peer refuses it too.
 */
import { FieldError } from './errors';
import {
  compareQuantities,
  formatQuantity,
  isWholeNumber,
  milliValue,
  parseQuantity,
  Quantity,
  quantityOf,
} from './quantity';
import { qualifiedNameProblems } from './names';
import {
  isExtendedResourceName,
  isHugePages,
  isIntegerResourceName,
  isNativeResource,
  isOvercommitAllowed,
  isQuotaHugePages,
  standardContainerResources,
  standardLimitTypes,
  standardQuotaResources,
  standardResources,
} from './resource-names';

const q = JSON.stringify;

function invalid(field: string, value: string, detail: string): FieldError {
  return { field, type: 'FieldValueInvalid', detail: `${value}: ${detail}` };
}

function resourceNameErrors(name: string, field: string): FieldError[] {
  const errors = qualifiedNameProblems(name).map(p => invalid(field, name, p));
  if (errors.length > 0) return errors;
  if (
    !name.includes('/') &&
    !(standardResources.has(name) || isQuotaHugePages(name))
  ) {
    return [
      invalid(
        field,
        name,
        'must be a standard resource type or fully qualified',
      ),
    ];
  }
  return [];
}

function containerResourceNameErrors(
  name: string,
  field: string,
): FieldError[] {
  const errors = resourceNameErrors(name, field);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) {
      errors.push(
        invalid(field, name, 'must be a standard resource for containers'),
      );
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errors.push(
      invalid(field, name, "doesn't follow extended resource name standard"),
    );
  }
  return errors;
}

function quotaResourceNameErrors(name: string, field: string): FieldError[] {
  const errors = resourceNameErrors(name, field);
  if (
    !name.includes('/') &&
    !standardQuotaResources.has(name) &&
    !isQuotaHugePages(name)
  ) {
    errors.push(invalid(field, name, 'must be a standard resource for quota'));
  }
  return errors;
}

/** ValidateResourceQuantityValue: never negative; whole numbers for counts. */
export function quantityValueErrors(
  name: string,
  value: Quantity,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  if (value.nanos < 0n) {
    errors.push(
      invalid(
        field,
        q(formatQuantity(value)),
        'must be greater than or equal to 0',
      ),
    );
  }
  if (isIntegerResourceName(name) && !isWholeNumber(value)) {
    errors.push(invalid(field, formatQuantity(value), 'must be an integer'));
  }
  return errors;
}

/** Quantities of a map, parsed; the decoder already refused any that is not a quantity. */
function quantities(map: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (typeof map !== 'object' || map === null) return out;
  for (const [k, v] of Object.entries(map)) {
    const parsed = parseQuantity(v);
    if (parsed) out.set(k, parsed);
  }
  return out;
}

/** ValidateResourceQuotaSpec for `spec.hard` (scopes are not served by the peer's quota). */
export function validateResourceQuotaSpec(
  spec: any,
  errors: FieldError[],
): void {
  for (const [name, value] of quantities(spec?.hard)) {
    const field = `spec.hard[${name}]`;
    errors.push(...quotaResourceNameErrors(name, field));
    errors.push(...quantityValueErrors(name, value, field));
  }
}

const limitFields = [
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
] as const;

function limitTypeErrors(type: unknown, field: string): FieldError[] {
  const text = typeof type === 'string' ? type : '';
  const errors = qualifiedNameProblems(text).map(p =>
    invalid(field, q(text), p),
  );
  if (
    errors.length === 0 &&
    !text.includes('/') &&
    !standardLimitTypes.has(text)
  ) {
    errors.push(
      invalid(
        field,
        q(text),
        'must be a standard limit type or fully qualified',
      ),
    );
  }
  return errors;
}

function limitNameErrors(
  limitType: string,
  name: string,
  field: string,
): FieldError[] {
  return limitType === 'Pod' || limitType === 'Container'
    ? containerResourceNameErrors(name, field)
    : resourceNameErrors(name, field);
}

/** The ordering rules of one resource across min, defaultRequest, default and max. */
function orderingErrors(
  path: string,
  k: string,
  m: Record<(typeof limitFields)[number], Map<string, Quantity>>,
): FieldError[] {
  const errors: FieldError[] = [];
  const [min, max, def, req, ratio] = [
    m.min.get(k),
    m.max.get(k),
    m.default.get(k),
    m.defaultRequest.get(k),
    m.maxLimitRequestRatio.get(k),
  ];
  const s = (x: Quantity) => formatQuantity(x);
  const gt = (a?: Quantity, b?: Quantity) =>
    !!a && !!b && compareQuantities(a, b) > 0;
  if (gt(min, max))
    errors.push(
      invalid(
        `${path}.min[${k}]`,
        s(min!),
        `min value ${s(min!)} is greater than max value ${s(max!)}`,
      ),
    );
  if (gt(min, req))
    errors.push(
      invalid(
        `${path}.defaultRequest[${k}]`,
        s(req!),
        `min value ${s(min!)} is greater than default request value ${s(req!)}`,
      ),
    );
  if (gt(req, max))
    errors.push(
      invalid(
        `${path}.defaultRequest[${k}]`,
        s(req!),
        `default request value ${s(req!)} is greater than max value ${s(max!)}`,
      ),
    );
  if (gt(req, def))
    errors.push(
      invalid(
        `${path}.defaultRequest[${k}]`,
        s(req!),
        `default request value ${s(
          req!,
        )} is greater than default limit value ${s(def!)}`,
      ),
    );
  if (gt(min, def))
    errors.push(
      invalid(
        `${path}.default[${k}]`,
        s(min!),
        `min value ${s(min!)} is greater than default value ${s(def!)}`,
      ),
    );
  if (gt(def, max))
    errors.push(
      invalid(
        `${path}.default[${k}]`,
        s(max!),
        `default value ${s(def!)} is greater than max value ${s(max!)}`,
      ),
    );
  if (ratio && compareQuantities(ratio, quantityOf(1)) < 0) {
    errors.push(
      invalid(
        `${path}.maxLimitRequestRatio[${k}]`,
        s(ratio),
        `ratio ${s(ratio)} is less than 1`,
      ),
    );
  }
  if (ratio && min && max && min.nanos > 0n) {
    const limit = Number(milliValue(max)) / Number(milliValue(min));
    if (Number(milliValue(ratio)) / 1000 > limit) {
      errors.push(
        invalid(
          `${path}.maxLimitRequestRatio[${k}]`,
          s(ratio),
          `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`,
        ),
      );
    }
  }
  if (
    !isOvercommitAllowed(k) &&
    def &&
    req &&
    compareQuantities(def, req) !== 0
  ) {
    errors.push(
      invalid(
        `${path}.defaultRequest[${k}]`,
        s(req),
        `default value ${s(def)} must equal to defaultRequest value ${s(
          req,
        )} in ${k}`,
      ),
    );
  }
  return errors;
}

/** ValidateLimitRange for `spec.limits`. */
export function validateLimitRangeSpec(spec: any, errors: FieldError[]): void {
  const limits: any[] = Array.isArray(spec?.limits) ? spec.limits : [];
  const seenTypes = new Set<string>();
  limits.forEach((limit, i) => {
    const path = `spec.limits[${i}]`;
    const type = String(limit?.type ?? '');
    errors.push(...limitTypeErrors(limit?.type, `${path}.type`));
    if (seenTypes.has(type)) {
      errors.push({
        field: `${path}.type`,
        type: 'FieldValueDuplicate',
        detail: q(type),
      });
    }
    seenTypes.add(type);
    const maps = Object.fromEntries(
      limitFields.map(f => [f, quantities(limit?.[f])]),
    ) as Record<(typeof limitFields)[number], Map<string, Quantity>>;
    if (type === 'Pod') {
      for (const f of ['default', 'defaultRequest'] as const) {
        if (maps[f].size > 0) {
          errors.push({
            field: `${path}.${f}`,
            type: 'FieldValueForbidden',
            detail: "may not be specified when `type` is 'Pod'",
          });
          maps[f].clear();
        }
      }
    }
    const keys = new Set<string>();
    for (const f of limitFields) {
      for (const name of maps[f].keys()) {
        errors.push(...limitNameErrors(type, name, `${path}.${f}[${name}]`));
        keys.add(name);
      }
    }
    if (
      type === 'PersistentVolumeClaim' &&
      !maps.min.has('storage') &&
      !maps.max.has('storage')
    ) {
      errors.push({
        field: `${path}.limits`,
        type: 'FieldValueRequired',
        detail:
          'either minimum or maximum storage value is required, but neither was provided',
      });
    }
    for (const k of keys) errors.push(...orderingErrors(path, k, maps));
  });
}

/** validateResourceRequirements of one container (`resources.limits`/`requests`). */
export function validateContainerResources(
  resources: any,
  path: string,
  errors: FieldError[],
): void {
  const limits = quantities(resources?.limits);
  const requests = quantities(resources?.requests);
  for (const [name, value] of limits) {
    const field = `${path}.limits[${name}]`;
    errors.push(...containerResourceNameErrors(name, field));
    errors.push(...quantityValueErrors(name, value, field));
  }
  for (const [name, value] of requests) {
    const field = `${path}.requests[${name}]`;
    errors.push(...containerResourceNameErrors(name, field));
    errors.push(...quantityValueErrors(name, value, field));
    const limit = limits.get(name);
    const v = q(formatQuantity(value));
    if (limit) {
      const cmp = compareQuantities(value, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errors.push(
          invalid(
            `${path}.requests`,
            v,
            `must be equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
      } else if (cmp > 0) {
        errors.push(
          invalid(
            `${path}.requests`,
            v,
            `must be less than or equal to ${name} limit of ${formatQuantity(
              limit,
            )}`,
          ),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errors.push({
        field: `${path}.limits`,
        type: 'FieldValueRequired',
        detail: 'Limit must be set for non overcommitable resources',
      });
    }
  }
}
