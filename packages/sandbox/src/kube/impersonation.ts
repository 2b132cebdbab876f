/*
 * `Impersonate-*` headers (kubectl `--as`/`--as-group`), as kube-apiserver's impersonation
 * filter handles them: the `impersonate` verb is checked for the user (or service account),
 * every group and the uid before the request runs as the impersonated user.
 */
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './auth';
import { forbidden, KubeStatusError } from './errors';
import { forbiddenMessage, RbacAuthorizer } from './rbac';

function headerValues(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap(x => x.split(','))
    .map(x => x.trim())
    .filter(Boolean);
}

/** The forbidden error for impersonating `resource`/`name`, or undefined when allowed. */
function refusal(
  authorizer: RbacAuthorizer,
  user: UserInfo,
  target: {
    resource: string;
    name: string;
    namespace?: string;
    group?: string;
  },
): KubeStatusError | undefined {
  const { resource, name, namespace, group = '' } = target;
  const attrs = {
    user,
    verb: 'impersonate',
    isResourceRequest: true,
    apiGroup: group,
    resource,
    name,
    namespace,
  };
  if (authorizer.authorize(attrs).allowed) return undefined;
  return forbidden(forbiddenMessage(attrs), { group, resource }, name);
}

/**
 * Returns the effective user (the caller when nothing is impersonated) or the error to answer
 * with.
 */
export function impersonate(
  req: IncomingMessage,
  user: UserInfo,
  authorizer: RbacAuthorizer,
): { user: UserInfo } | { error: KubeStatusError } {
  const asUser = headerValues(req, 'impersonate-user')[0];
  const asGroups = headerValues(req, 'impersonate-group');
  const asUid = headerValues(req, 'impersonate-uid')[0];
  if (!asUser && asGroups.length === 0 && !asUid) return { user };
  if (!asUser) {
    return {
      error: new KubeStatusError({
        code: 500,
        reason: 'InternalError',
        message:
          'Internal error occurred: requested impersonation of groups or uid without impersonating a user',
      }),
    };
  }
  const refuse = (
    resource: string,
    name: string,
    namespace?: string,
    group?: string,
  ) => refusal(authorizer, user, { resource, name, namespace, group });
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(asUser);
  const errors = [
    sa ? refuse('serviceaccounts', sa[2], sa[1]) : refuse('users', asUser),
    ...asGroups.map(g => refuse('groups', g)),
    asUid
      ? refuse('uids', asUid, undefined, 'authentication.k8s.io')
      : undefined,
  ];
  const error = errors.find(Boolean);
  if (error) return { error };
  const groups = [...asGroups];
  if (sa && asGroups.length === 0) {
    groups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  }
  if (
    asUser !== 'system:anonymous' &&
    !groups.includes('system:authenticated')
  ) {
    groups.push('system:authenticated');
  }
  return {
    user: { username: asUser, groups, ...(asUid ? { uid: asUid } : {}) },
  };
}
