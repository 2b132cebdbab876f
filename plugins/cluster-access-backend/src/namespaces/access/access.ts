import { parseEntityRef } from '@backstage/catalog-model';
import {
  AccessRole,
  AccessStanding,
  AccessSubject,
  mapCertificateGroupName,
  NamespaceMember,
} from '@cluster-access/plugin-cluster-access-common';
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';

/**
 * A RoleBinding in a managed namespace, one row per subject, as the
 * reconciler recorded it: one made outside Cluster Access (with kubectl,
 * without the managed-by label), or one of Cluster Access's own (`managed`).
 *
 * @internal
 */
export interface ObservedBinding {
  /** The create request of the namespace. */
  requestId: string;
  /** Name of the RoleBinding. */
  binding: string;
  subject: AccessSubject;
  role: AccessRole;
  /** ISO 8601 time the reconciler first saw this subject in the binding. */
  firstSeenAt: string;
  /** ISO 8601 time the subject was first found to be an outsider; absent while not. */
  flaggedAt?: string;
  /** True for a RoleBinding Cluster Access made for a member (never flagged). */
  managed?: boolean;
}

/** Identifies an {@link ObservedBinding} row within its namespace. */
export function observedKey(row: {
  binding: string;
  subject: AccessSubject;
}): string {
  const { kind, namespace, name } = row.subject;
  return JSON.stringify([row.binding, kind, namespace ?? '', name]);
}

const SUBJECT_KINDS = ['User', 'Group', 'ServiceAccount'] as const;

/**
 * The subjects and role of a RoleBinding, as the access view records them.
 * Subjects of kinds Kubernetes does not know are left out (the API server
 * refuses them anyway).
 */
export function bindingRows(
  binding: KubeObject,
): Array<{ binding: string; subject: AccessSubject; role: AccessRole }> {
  const roleRef = (binding.roleRef ?? {}) as { kind?: string; name?: string };
  const role: AccessRole = {
    kind: roleRef.kind === 'Role' ? 'Role' : 'ClusterRole',
    name: String(roleRef.name ?? ''),
  };
  const subjects = (binding.subjects ?? []) as Array<{
    kind?: string;
    name?: string;
    namespace?: string;
  }>;
  const rows = new Map<
    string,
    { binding: string; subject: AccessSubject; role: AccessRole }
  >();
  for (const s of subjects) {
    const kind = SUBJECT_KINDS.find(k => k === s.kind);
    if (!kind || !s.name) continue;
    const subject: AccessSubject = {
      kind,
      name: s.name,
      ...(kind === 'ServiceAccount' && s.namespace
        ? { namespace: s.namespace }
        : {}),
    };
    const row = { binding: binding.metadata.name, subject, role };
    rows.set(observedKey(row), row);
  }
  return [...rows.values()];
}

/**
 * The certificate group name (O) of the owner Group, as certificates carry
 * it: a Group subject of this name lets the owner Group's members in.
 */
export function ownerGroupName(
  owner: string,
  groupPrefix: string,
): string | undefined {
  return mapCertificateGroupName({
    name: parseEntityRef(owner).name,
    prefix: groupPrefix,
  });
}

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):[^:]+$/;
const SERVICE_ACCOUNTS_GROUP = /^system:serviceaccounts:([^:]+)$/;

/**
 * Who a RoleBinding subject is to a namespace. User subjects are compared
 * with the Kubernetes user names of members and extras (the certificate
 * mapping), Group subjects with the owner Group's certificate group name.
 * A namespace's own service accounts (as ServiceAccount subjects, as
 * `system:serviceaccount:<ns>:<name>` users or as the
 * `system:serviceaccounts:<ns>` group) belong to it; everyone else is an
 * outsider. When the owner Group is missing from the catalog, people who are
 * not extras cannot be told apart: `unknown`, never acted upon.
 *
 * @internal
 */
export function subjectStanding(options: {
  subject: AccessSubject;
  namespace: string;
  members: NamespaceMember[];
  groupFound: boolean;
  ownerGroup: string | undefined;
}): { standing: AccessStanding; user?: string } {
  const { subject, namespace, members, groupFound, ownerGroup } = options;
  if (subject.kind === 'ServiceAccount') {
    return {
      standing:
        subject.namespace === namespace ? 'own-service-account' : 'outsider',
    };
  }
  if (subject.kind === 'Group') {
    if (ownerGroup !== undefined && subject.name === ownerGroup) {
      return { standing: 'owner-group' };
    }
    const sa = SERVICE_ACCOUNTS_GROUP.exec(subject.name);
    return {
      standing: sa && sa[1] === namespace ? 'own-service-account' : 'outsider',
    };
  }
  const sa = SERVICE_ACCOUNT_USER.exec(subject.name);
  if (sa) {
    return {
      standing: sa[1] === namespace ? 'own-service-account' : 'outsider',
    };
  }
  const member = members.find(m => m.username === subject.name);
  if (member) {
    return {
      standing: member.source === 'group' ? 'member' : 'extra',
      user: member.user,
    };
  }
  return { standing: groupFound ? 'outsider' : 'unknown' };
}

/** A few words on who a subject is, for the history. */
export function describeSubject(subject: AccessSubject): string {
  if (subject.kind === 'ServiceAccount') {
    return `service account ${subject.namespace ?? '?'}/${subject.name}`;
  }
  return `${subject.kind === 'Group' ? 'group' : 'user'} ${subject.name}`;
}
