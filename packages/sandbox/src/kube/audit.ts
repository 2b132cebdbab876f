/*
 * A record of every authorization decision the peer makes on a caller's behalf, for tests that
 * prove an identity's RBAC is exactly what its code uses. kube-apiserver asks its authorizer in
 * three places for one write, and all three are recorded here:
 * - the request itself (the authorization filter, verb from the HTTP method);
 * - `create` when a server-side apply creates the object (`withAuthorization` in
 *   staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go);
 * - RBAC escalation prevention: `escalate` on roles, `bind` on the role a binding refers to, and,
 *   when those are refused, the rules the caller must already hold (`ConfirmNoEscalation`).
 * A real cluster shows the first in its audit log; the others only through their effects.
 */
import { UserInfo } from './auth';
import { breakdownRule, PolicyRule } from './rbac';

/** One question put to the RBAC authorizer. */
export interface AuthorizationDecision {
  type: 'authorize';
  /** Why the server asked. */
  stage: 'request' | 'create-on-apply' | 'escalate' | 'bind';
  user: string;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  /** Empty for cluster-scoped requests. */
  namespace: string;
  name?: string;
  allowed: boolean;
}

/**
 * `ConfirmNoEscalation`: the caller wrote a role or binding granting `rules` (one atomic rule per
 * entry, as `BreakdownRule` makes them) without `escalate`/`bind`, so it had to hold them all in
 * `namespace`. `covered` says whether it did.
 */
export interface CoverageCheck {
  type: 'covers';
  user: string;
  namespace: string;
  rules: PolicyRule[];
  covered: boolean;
}

/** An entry of {@link AuthorizationLog}. */
export type AuthorizationLogEntry = AuthorizationDecision | CoverageCheck;

/** Keeps the log of a long-running demo peer bounded. */
const MAX_ENTRIES = 100_000;

/** The peer's authorization log, oldest first. */
export class AuthorizationLog {
  private entries: AuthorizationLogEntry[] = [];

  decision(
    stage: AuthorizationDecision['stage'],
    attrs: {
      user: UserInfo;
      verb: string;
      apiGroup?: string;
      resource?: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    },
    allowed: boolean,
  ): void {
    this.push({
      type: 'authorize',
      stage,
      user: attrs.user.username,
      verb: attrs.verb,
      apiGroup: attrs.apiGroup ?? '',
      resource: attrs.resource ?? '',
      ...(attrs.subresource ? { subresource: attrs.subresource } : {}),
      namespace: attrs.namespace ?? '',
      ...(attrs.name ? { name: attrs.name } : {}),
      allowed,
    });
  }

  coverage(
    user: UserInfo,
    namespace: string,
    rules: PolicyRule[],
    covered: boolean,
  ): void {
    this.push({
      type: 'covers',
      user: user.username,
      namespace,
      rules: rules.flatMap(breakdownRule),
      covered,
    });
  }

  list(): AuthorizationLogEntry[] {
    return this.entries.map(e => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }

  private push(entry: AuthorizationLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }
}
