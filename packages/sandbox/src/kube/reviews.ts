/*
 * The create-only review APIs: SelfSubjectReview (`kubectl auth whoami`),
 * SelfSubjectAccessReview (`kubectl auth can-i`), SubjectAccessReview,
 * LocalSubjectAccessReview, SelfSubjectRulesReview (`kubectl auth can-i --list`), TokenReview.
 */
import { Authenticator, UserInfo } from './auth';
import { badRequest, FieldError, invalid } from './errors';
import { RbacAuthorizer, RequestAttributes } from './rbac';
import { apiVersionOf, ResourceType } from './resources';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
  namespace?: string;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toAttributes(
  user: UserInfo,
  spec: AccessReviewSpec,
): RequestAttributes {
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    return {
      user,
      verb: r.verb ?? '',
      isResourceRequest: true,
      apiGroup: r.group ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return {
    user,
    verb: n.verb ?? '',
    isResourceRequest: false,
    path: n.path ?? '',
  };
}

/** Handles a POST to one of the review resources and returns the response object. */
export function handleReview(options: {
  type: ResourceType;
  body: unknown;
  requester: UserInfo;
  namespace?: string;
  authorizer: RbacAuthorizer;
  authenticator: Authenticator;
}): Record<string, unknown> {
  const { type, requester, authorizer } = options;
  if (!isObject(options.body))
    throw badRequest('the request body must be a JSON object');
  const body = options.body;
  const spec = (isObject(body.spec) ? body.spec : {}) as AccessReviewSpec;
  const base = {
    kind: type.kind,
    apiVersion: apiVersionOf(type),
    metadata: {
      ...(isObject(body.metadata) ? body.metadata : {}),
      creationTimestamp: null,
    },
  };
  const fail = (errors: FieldError[]) =>
    invalid(type.kind, type.group, '', errors);

  switch (type.kind) {
    case 'SelfSubjectReview': {
      const userInfo: Record<string, unknown> = {
        username: requester.username,
        groups: requester.groups,
      };
      if (requester.uid) userInfo.uid = requester.uid;
      if (requester.extra) userInfo.extra = requester.extra;
      return { ...base, status: { userInfo } };
    }
    case 'TokenReview': {
      const token =
        typeof (spec as any).token === 'string' ? (spec as any).token : '';
      const audiences = (spec as any).audiences as string[] | undefined;
      const review = token
        ? options.authenticator.reviewToken(
            token,
            audiences?.length ? audiences : undefined,
          )
        : { error: '[invalid bearer token]' };
      const status: Record<string, unknown> =
        'user' in review
          ? {
              authenticated: true,
              user: {
                username: review.user.username,
                uid: review.user.uid,
                groups: review.user.groups,
                extra: review.user.extra,
              },
              audiences: audiences?.length
                ? audiences
                : [options.authenticator.serviceAccounts.issuer],
            }
          : { user: {}, error: review.error };
      return { ...base, spec, status };
    }
    case 'SelfSubjectRulesReview': {
      const namespace = spec.namespace ?? '';
      const rules = authorizer.rulesFor(requester, namespace);
      return {
        ...base,
        spec,
        status: {
          resourceRules: rules
            .filter(r => !r.nonResourceURLs?.length)
            .map(r => ({
              verbs: r.verbs,
              apiGroups: r.apiGroups,
              resources: r.resources,
              ...(r.resourceNames?.length
                ? { resourceNames: r.resourceNames }
                : {}),
            })),
          nonResourceRules: rules
            .filter(r => r.nonResourceURLs?.length)
            .map(r => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
          incomplete: false,
        },
      };
    }
    default:
      break;
  }

  // Access reviews.
  if (!!spec.resourceAttributes === !!spec.nonResourceAttributes) {
    throw fail([
      {
        field: 'spec.resourceAttributes',
        type: 'FieldValueInvalid',
        detail: `${JSON.stringify(
          spec.resourceAttributes ?? null,
        )}: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      },
    ]);
  }
  let subject: UserInfo;
  if (type.kind === 'SelfSubjectAccessReview') {
    subject = requester;
  } else {
    if (!spec.user && !spec.groups?.length) {
      throw fail([
        {
          field: 'spec.user',
          type: 'FieldValueInvalid',
          detail: '"": at least one of user or group must be specified',
        },
      ]);
    }
    subject = {
      username: spec.user ?? '',
      groups: spec.groups ?? [],
      uid: spec.uid,
      extra: spec.extra,
    };
  }
  if (type.kind === 'LocalSubjectAccessReview') {
    const ns = spec.resourceAttributes?.namespace ?? '';
    if (!spec.resourceAttributes || ns !== options.namespace) {
      throw fail([
        {
          field: 'spec.resourceAttributes.namespace',
          type: 'FieldValueInvalid',
          detail: `${JSON.stringify(ns)}: must match metadata.namespace`,
        },
      ]);
    }
  }
  const decision = authorizer.authorize(toAttributes(subject, spec));
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  return { ...base, spec, status };
}
