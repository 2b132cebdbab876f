/**
 * Kubernetes `Status` failures, shaped exactly like kube-apiserver's so that clients which
 * branch on `reason`/`code` (client-node's ApiException, kubectl's error printer) behave as
 * they would against a real cluster.
 */

/** A `metav1.StatusCause`. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The `details` block of a `metav1.Status`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A `metav1.Status` object as sent on the wire. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Identifies the resource an error is about, the way kube-apiserver's `GroupResource` does. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** Thrown inside the peer to answer a request with a Kubernetes `Status` failure. */
export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;
  readonly headers?: Record<string, string>;
  /** The Status's list metadata, e.g. the inconsistent continue token of a 410. */
  readonly listMeta?: { continue?: string };

  constructor(options: {
    code: number;
    reason: string;
    message: string;
    details?: StatusDetails;
    headers?: Record<string, string>;
    listMeta?: { continue?: string };
  }) {
    super(options.message);
    this.name = 'KubeStatusError';
    this.code = options.code;
    this.reason = options.reason;
    this.details = options.details;
    this.headers = options.headers;
    this.listMeta = options.listMeta;
  }

  /** The wire form of this error. */
  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: { ...(this.listMeta ?? {}) },
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) {
      body.details = this.details;
    }
    return body;
  }
}

/**
 * Thrown inside the peer to answer in plain text, as kube-apiserver's filters do before a
 * request reaches the API handlers: max-in-flight's and API Priority and Fairness's 429
 * (`tooManyRequests` in `apiserver/pkg/server/filters`, written with Go's `http.Error`).
 */
export class KubePlainTextError extends Error {
  readonly code: number;
  readonly headers: Record<string, string>;

  constructor(code: number, message: string, headers: Record<string, string>) {
    super(message);
    this.name = 'KubePlainTextError';
    this.code = code;
    this.headers = headers;
  }
}

/** `configmaps`, or `roles.rbac.authorization.k8s.io` for non-core groups. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** 404 `NotFound`: `configmaps "demo" not found`. */
export function notFound(gr: GroupResource, name: string): KubeStatusError {
  return new KubeStatusError({
    code: 404,
    reason: 'NotFound',
    message: `${qualifiedResource(gr)} "${name}" not found`,
    details: details(gr, name),
  });
}

/** 404 for a path that names no resource this server knows. */
export function pathNotFound(): KubeStatusError {
  return new KubeStatusError({
    code: 404,
    reason: 'NotFound',
    message: 'the server could not find the requested resource',
    details: {},
  });
}

/** 409 `AlreadyExists`. */
export function alreadyExists(
  gr: GroupResource,
  name: string,
): KubeStatusError {
  return new KubeStatusError({
    code: 409,
    reason: 'AlreadyExists',
    message: `${qualifiedResource(gr)} "${name}" already exists`,
    details: details(gr, name),
  });
}

/** 409 `Conflict` for an optimistic-concurrency failure (stale resourceVersion or uid). */
export function conflict(
  gr: GroupResource,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): KubeStatusError {
  return new KubeStatusError({
    code: 409,
    reason: 'Conflict',
    message: `Operation cannot be fulfilled on ${qualifiedResource(
      gr,
    )} "${name}": ${why}`,
    details: details(gr, name),
  });
}

/** One field error, as `field.Error` renders it. */
export interface FieldError {
  field: string;
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueForbidden`, `FieldValueNotSupported`… */
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueNotFound'
    | 'FieldValueTooLong';
  /** Human text after the type, e.g. `Invalid value: "Bad_Name": a lowercase RFC 1123 …` */
  detail: string;
}

const fieldErrorLabels: Record<FieldError['type'], string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
};

/** `field.Error.ErrorBody()`: the type's label, then the detail when there is one. */
function fieldErrorBody(e: FieldError): string {
  const label = fieldErrorLabels[e.type];
  return e.detail ? `${label}: ${e.detail}` : label;
}

/** Renders a field error the way `field.Error.Error()` does. */
export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** 422 `Invalid`: `ConfigMap "Bad" is invalid: metadata.name: Invalid value: …`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  errors: FieldError[],
): KubeStatusError {
  const texts = errors.map(fieldErrorText);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const d: StatusDetails = { name };
  if (group) d.group = group;
  d.kind = kind;
  d.causes = errors.map(e => ({
    reason: e.type,
    message: fieldErrorBody(e),
    field: e.field,
  }));
  return new KubeStatusError({
    code: 422,
    reason: 'Invalid',
    message: `${kind}${
      group ? `.${group}` : ''
    } "${name}" is invalid: ${joined}`,
    details: d,
  });
}

/** 403 `Forbidden` with a fully formed message. */
export function forbidden(
  message: string,
  gr?: GroupResource,
  name?: string,
): KubeStatusError {
  return new KubeStatusError({
    code: 403,
    reason: 'Forbidden',
    message,
    details: gr ? details(gr, name) : {},
  });
}

/** 403 for a resource-level refusal: `roles.rbac.authorization.k8s.io "x" is forbidden: <why>`. */
export function forbiddenResource(
  gr: GroupResource,
  name: string,
  why: string,
): KubeStatusError {
  const subject = name
    ? `${qualifiedResource(gr)} "${name}"`
    : qualifiedResource(gr);
  return forbidden(`${subject} is forbidden: ${why}`, gr, name);
}

/** 400 `BadRequest`. */
export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError({ code: 400, reason: 'BadRequest', message });
}

/** 401 `Unauthorized`, exactly as kube-apiserver sends it (no details). */
export function unauthorized(): KubeStatusError {
  return new KubeStatusError({
    code: 401,
    reason: 'Unauthorized',
    message: 'Unauthorized',
  });
}

/** 405 `MethodNotAllowed`. */
export function methodNotAllowed(message: string): KubeStatusError {
  return new KubeStatusError({
    code: 405,
    reason: 'MethodNotAllowed',
    message,
  });
}

/** 415 `UnsupportedMediaType`. */
export function unsupportedMediaType(contentType: string): KubeStatusError {
  return new KubeStatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (got ${contentType})`,
  });
}

/** The reason kube-apiserver uses for a given HTTP status, for injected faults. */
export function reasonForCode(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

/**
 * 410 `Expired` for a continue token older than the last compaction, with the token that
 * continues the list inconsistently (kube-apiserver's etcd3 store does the same).
 */
export function expiredContinue(inconsistentToken: string): KubeStatusError {
  return new KubeStatusError({
    code: 410,
    reason: 'Expired',
    message:
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    listMeta: { continue: inconsistentToken },
  });
}
