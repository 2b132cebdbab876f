import { LoggerService } from '@backstage/backend-plugin-api';
import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import {
  ClusterClient,
  KubeObject,
} from '@cluster-access/plugin-cluster-access-node';
import { HistoryRecorder, LapsedDetails } from '../../history/HistoryRecorder';
import {
  bindingRows,
  describeSubject,
  ObservedBinding,
  observedKey,
  ownerGroupName,
  subjectStanding,
} from './access';
import { NamespaceAccessStore } from './AccessStore';
import {
  ExtraMemberStore,
  LapsedExtraMember,
  ResolvedMembers,
} from '../members/members';
import { memberBindingName } from '../cluster/manifests';
import { ProvisionTarget } from '../cluster/NamespaceProvisioner';
import { ClusterAccessObserver } from '../cluster/NamespaceReconciler';
import { recordLeaverRemovals } from '../../metrics/metrics';

/** What the access step of one cluster's reconcile pass did. */
export interface AccessRecordReport {
  /** kubectl-made RoleBindings deleted under a tier's `remove` policy. */
  deleted: number;
  errors: string[];
}

const LAPSED_EVENT = {
  expired: 'member.expired',
  departed: 'member.departed',
  redundant: 'member.removed',
} as const satisfies Record<LapsedExtraMember['reason'], string>;

function lapsedMessage(extra: LapsedExtraMember, namespace: string): string {
  const added = `added by ${extra.addedBy} on ${extra.createdAt.slice(0, 10)}`;
  switch (extra.reason) {
    case 'expired':
      return `${extra.user} is no longer an extra member of ${namespace}: the tier's maximum lifetime ended at ${extra.expiresAt} (${added})`;
    case 'departed':
      return `${extra.user} is no longer an extra member of ${namespace}: the user is gone from the catalog (${added})`;
    default:
      return `${extra.user} is no longer an extra member of ${namespace}: they are a member of the owner Group, so they leave with it (${added})`;
  }
}

/** RoleBindings by their namespace. */
function byNamespaceOf(bindings: KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const binding of bindings) {
    const ns = binding.metadata.namespace ?? '';
    out.set(ns, [...(out.get(ns) ?? []), binding]);
  }
  return out;
}

/** The rows of Cluster Access's own bindings in one namespace (never flagged). */
function ownRows(
  requestId: string,
  bindings: KubeObject[] = [],
  now: string,
): ObservedBinding[] {
  return bindings.flatMap(binding =>
    bindingRows(binding).map(row => ({
      ...row,
      requestId,
      firstSeenAt: now,
      managed: true,
    })),
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The reconciler's access step for one cluster: removes extra members who
 * lapsed (lifetime over, gone from the catalog, or in the owner Group
 * anyway), and records the RoleBindings in each managed namespace: its own
 * members' bindings, whose roles the access view shows them, and those made
 * with kubectl with who they let in. Bindings that let in outsiders are flagged
 * in the history once, or deleted where the tier says `remove`. Only what
 * changed is written, so a quiet pass writes nothing.
 *
 * @internal
 */
export class AccessRecorder implements ClusterAccessObserver {
  private readonly tiers: Map<string, TierInfo>;
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      store: NamespaceAccessStore;
      extras: Pick<ExtraMemberStore, 'removeMember'>;
      history: HistoryRecorder;
      tiers: TierInfo[];
      /** `clusterAccess.certificates.groupPrefix`, to recognise the owner Group. */
      groupPrefix: string;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.tiers = new Map(options.tiers.map(t => [t.name, t]));
    this.clock = options.clock ?? (() => new Date());
  }

  async recordCluster(options: {
    client: ClusterClient;
    requests: ProvisionTarget[];
    resolved: Map<string, ResolvedMembers>;
    /** Namespaces listed this pass that their request owns and that are not being deleted. */
    owned: ReadonlySet<string>;
    /** RoleBindings without the managed-by label in those namespaces. */
    unmanaged: KubeObject[];
    /** Cluster Access's own RoleBindings there, as they stand after the pass. */
    managed: KubeObject[];
    /** When the pass began: own bindings recorded since are kept. */
    startedAt?: string;
  }): Promise<AccessRecordReport> {
    const { client, requests, resolved, owned, unmanaged, managed } = options;
    const report: AccessRecordReport = { deleted: 0, errors: [] };
    for (const request of requests) {
      await this.pruneLapsed(request, resolved.get(request.id)!);
    }
    const byNamespace = byNamespaceOf(unmanaged);
    const managedByNamespace = byNamespaceOf(managed);
    const now = this.clock().toISOString();
    const seen: ObservedBinding[] = [];
    const recorded: ProvisionTarget[] = [];
    for (const request of requests) {
      // Only a namespace this request owns, as listed at the start of the
      // pass: one missing from that list may be someone else's of the same
      // name (never touched) or is being made again (seen next pass).
      if (!owned.has(request.namespace)) continue;
      try {
        seen.push(
          ...(await this.observe(
            client,
            request,
            resolved.get(request.id)!,
            byNamespace.get(request.namespace) ?? [],
            now,
            report,
          )),
        );
        // The roles the access view shows members are the ones they hold.
        seen.push(
          ...ownRows(
            request.id,
            managedByNamespace.get(request.namespace),
            now,
          ),
        );
        // Only namespaces observed in full: a failure keeps the old rows.
        recorded.push(request);
      } catch (error) {
        report.errors.push(`${request.namespace}: ${errorMessage(error)}`);
      }
    }
    await this.save(recorded, seen, now, options.startedAt);
    return report;
  }

  /** Removes the rows of extra members who no longer count, with the reason in the history. */
  private async pruneLapsed(
    request: ProvisionTarget,
    membership: ResolvedMembers,
  ): Promise<void> {
    for (const extra of membership.lapsed) {
      const removed = await this.options.extras.removeMember(
        request.id,
        extra.user,
        { addedAt: extra.createdAt },
      );
      if (!removed) continue;
      recordLeaverRemovals(request.cluster, extra.reason);
      const details: LapsedDetails = {
        user: extra.user,
        reason: extra.reason,
        addedBy: extra.addedBy,
        addedAt: extra.createdAt,
        ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
      };
      await this.options.history.namespace(
        LAPSED_EVENT[extra.reason],
        request,
        {
          message: lapsedMessage(extra, request.namespace),
          details,
        },
      );
    }
  }

  /**
   * The rows of one namespace's kubectl-made bindings, after deleting those
   * that let in outsiders when the tier says `remove`.
   */
  private async observe(
    client: ClusterClient,
    request: ProvisionTarget,
    membership: ResolvedMembers,
    bindings: KubeObject[],
    now: string,
    report: AccessRecordReport,
  ): Promise<ObservedBinding[]> {
    // A binding of ours that someone replaced by hand was just applied over
    // by the reconciler, so it is ours again.
    const ours = new Set(
      membership.members.flatMap(m => [
        memberBindingName('ca-edit', m.username),
        memberBindingName('ca-rbm', m.username),
      ]),
    );
    const ownerGroup = ownerGroupName(request.owner, this.options.groupPrefix);
    const policy = this.tiers.get(request.tier)?.nonMemberBindings ?? 'report';
    const rows: ObservedBinding[] = [];
    for (const binding of bindings) {
      if (ours.has(binding.metadata.name)) continue;
      const entries = bindingRows(binding).map(row => ({
        ...row,
        requestId: request.id,
        firstSeenAt: now,
        outsider:
          subjectStanding({
            subject: row.subject,
            namespace: request.namespace,
            members: membership.members,
            groupFound: membership.groupFound,
            ownerGroup,
          }).standing === 'outsider',
      }));
      const outsiders = entries.filter(e => e.outsider);
      if (policy === 'remove' && outsiders.length > 0) {
        await this.remove(client, request, binding, outsiders);
        recordLeaverRemovals(request.cluster, 'outsider_binding');
        report.deleted += 1;
        continue;
      }
      rows.push(
        ...entries.map(({ outsider, ...row }) =>
          outsider ? { ...row, flaggedAt: now } : row,
        ),
      );
    }
    return rows;
  }

  /** Deletes a kubectl-made binding that lets in outsiders, and says so in the history. */
  private async remove(
    client: ClusterClient,
    request: ProvisionTarget,
    binding: KubeObject,
    outsiders: Array<{ subject: ObservedBinding['subject'] }>,
  ): Promise<void> {
    const name = binding.metadata.name;
    await client.delete({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      namespace: request.namespace,
      name,
    });
    const who = outsiders.map(o => describeSubject(o.subject)).join(', ');
    await this.options.history.namespace('binding.removed', request, {
      message: `Removed RoleBinding ${name} from ${request.namespace}: it let in ${who}, neither members nor extra members (tier ${request.tier} removes such bindings)`,
      details: {
        binding: name,
        roleRef: binding.roleRef,
        subjects: binding.subjects,
        outsiders: outsiders.map(o => o.subject),
      },
    });
  }

  /** Writes what changed for the recorded namespaces, and flags new outsiders once in the history. */
  private async save(
    requests: ProvisionTarget[],
    seen: ObservedBinding[],
    now: string,
    startedAt?: string,
  ): Promise<void> {
    const { store, history } = this.options;
    const stored = await store.listBindings(requests.map(r => r.id));
    const keyOf = (row: ObservedBinding) =>
      `${row.requestId} ${observedKey(row)}`;
    const before = new Map(stored.map(row => [keyOf(row), row]));
    const after = new Map(seen.map(row => [keyOf(row), row]));
    const insert: ObservedBinding[] = [];
    const update: ObservedBinding[] = [];
    const newlyFlagged: ObservedBinding[] = [];
    for (const [key, row] of after) {
      const old = before.get(key);
      if (!old) {
        insert.push(row);
        if (row.flaggedAt) newlyFlagged.push(row);
        continue;
      }
      const flaggedAt = row.flaggedAt ? old.flaggedAt ?? now : undefined;
      const changed =
        Boolean(flaggedAt) !== Boolean(old.flaggedAt) ||
        Boolean(old.managed) !== Boolean(row.managed) ||
        old.role.kind !== row.role.kind ||
        old.role.name !== row.role.name;
      if (!changed) continue;
      const { flaggedAt: _ignored, managed: _was, ...rest } = old;
      update.push({
        ...rest,
        role: row.role,
        ...(flaggedAt && { flaggedAt }),
        ...(row.managed && { managed: true }),
      });
      if (flaggedAt && !old.flaggedAt) newlyFlagged.push(row);
    }
    // A member added (on any replica) after the pass listed their namespace
    // has bindings the pass did not see: kept for the next pass to confirm.
    const newer = (row: ObservedBinding) =>
      Boolean(row.managed && startedAt && row.firstSeenAt > startedAt);
    const remove = stored.filter(row => !after.has(keyOf(row)) && !newer(row));
    await store.saveBindings({ insert, remove, update });

    const byId = new Map(requests.map(r => [r.id, r]));
    for (const row of newlyFlagged) {
      const request = byId.get(row.requestId)!;
      await history.namespace('binding.flagged', request, {
        message: `RoleBinding ${row.binding} in ${
          request.namespace
        } (made with kubectl) lets in ${describeSubject(
          row.subject,
        )}, who is neither a member nor an extra member`,
        details: { binding: row.binding, role: row.role, subject: row.subject },
      });
    }
  }
}
