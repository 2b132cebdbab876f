/*
 * Injected faults (`KubePeer.failNext`): the next matching requests fail with the status a
 * test asks for, with kube-apiserver's message and headers for that status.
 */
import { KubePlainTextError, KubeStatusError, reasonForCode } from './errors';
import type { RequestInfo } from './request-info';

/** A fault to inject, see `KubePeer.failNext`. */
export interface FaultSpec {
  /** Kubernetes verb: get, list, create, update, patch, delete, deletecollection. Omit for any. */
  verb?: string;
  /** Plural resource, e.g. `namespaces`, or `namespaces/status`. Omit for any. */
  resource?: string;
  /** Name of the object, e.g. one RoleBinding among several. Omit for any. */
  name?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** HTTP status of the failure (default 500). */
  status?: number;
  /**
   * Status message (default `injected fault`); for a 429, the plain-text body (default API
   * Priority and Fairness's).
   */
  message?: string;
  /** `Retry-After` of a 429 (default 1, as API Priority and Fairness sends). */
  retryAfterSeconds?: number;
  /**
   * Only lists that continue a paged list (carry a `continue` token), e.g. a 410 as etcd
   * compaction causes between pages.
   */
  continued?: boolean;
}

/** What kube-apiserver says with these codes, for injected faults without a message. */
const defaultFaultMessages: Record<number, string> = {
  // filters.tooManyRequests (max-in-flight, API Priority and Fairness), in plain text.
  429: 'Too many requests, please try again later.',
  410: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
};

interface Fault
  extends Required<
    Omit<
      FaultSpec,
      'verb' | 'resource' | 'name' | 'retryAfterSeconds' | 'continued'
    >
  > {
  verb?: string;
  resource?: string;
  name?: string;
  retryAfterSeconds: number;
  continued?: boolean;
}

/** `resource/subresource`, as faults and request counts name what a request is for. */
export function resourceKey(info: RequestInfo): string | undefined {
  return info.subresource
    ? `${info.resource}/${info.subresource}`
    : info.resource;
}

/**
 * A 429 is the throttling filters' answer (`tooManyRequests` in apiserver's
 * `pkg/server/filters`): Go's `http.Error` text with `Retry-After`, never a `Status`. Other
 * codes are `Status` failures, as handlers answer.
 */
function faultError(fault: Fault): KubeStatusError | KubePlainTextError {
  if (fault.status === 429) {
    return new KubePlainTextError(429, fault.message, {
      'Retry-After': String(fault.retryAfterSeconds),
    });
  }
  return new KubeStatusError({
    code: fault.status,
    reason: reasonForCode(fault.status),
    message: fault.message,
  });
}

/** The queue of faults still to inject. */
export class FaultInjector {
  private faults: Fault[] = [];

  add(spec: FaultSpec): void {
    const status = spec.status ?? 500;
    this.faults.push({
      verb: spec.verb,
      resource: spec.resource,
      name: spec.name,
      times: spec.times ?? 1,
      status,
      message: spec.message ?? defaultFaultMessages[status] ?? 'injected fault',
      retryAfterSeconds: spec.retryAfterSeconds ?? 1,
      continued: spec.continued,
    });
  }

  /** The error a request must fail with, counting it against its fault; undefined for none. */
  take(
    info: RequestInfo,
    query: URLSearchParams,
  ): KubeStatusError | KubePlainTextError | undefined {
    const resource = resourceKey(info);
    const continued = Boolean(query.get('continue'));
    const fault = this.faults.find(
      f =>
        (f.verb === undefined || f.verb === info.verb) &&
        (f.resource === undefined || f.resource === resource) &&
        (f.name === undefined || f.name === info.name) &&
        (f.continued === undefined || f.continued === continued),
    );
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults = this.faults.filter(f => f !== fault);
    return faultError(fault);
  }
}
