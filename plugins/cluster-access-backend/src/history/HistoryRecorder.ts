import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { HistoryEventType } from '@cluster-access/plugin-cluster-access-common';
import { HistoryStore, NewHistoryEvent } from './HistoryStore';

/** Event types of certificates: recorded without ever failing the action. */
export type CertificateEventType = Extract<
  HistoryEventType,
  `certificate.${string}`
>;

/** Event types of namespaces and their requests. */
export type NamespaceEventType = Exclude<
  HistoryEventType,
  CertificateEventType
>;

type Subject = { kind: string; name: string };

/**
 * The structured details each event type carries: what the history shows
 * besides the sentence, and what the frontend reads. Never secrets or keys.
 */
export interface HistoryDetails {
  'request.created': { tier: string; owner: string; reason: string };
  'request.approved': { comment: string } | undefined;
  'request.rejected': { comment: string } | undefined;
  'request.expired': undefined;
  'request.withdrawn': { comment: string } | undefined;
  'provisioning.started': { attempt: number };
  'provisioning.step': { kind: string; name: string; action: string };
  'provisioning.ready': undefined;
  'provisioning.failed': FailureDetails;
  'decommission.requested': { targetRequestId: string; reason: string };
  'decommission.approved': { comment: string } | undefined;
  'decommission.rejected': { comment: string } | undefined;
  'decommission.withdrawn': { comment: string } | undefined;
  'decommission.started': { attempt: number; targetRequestId: string };
  'decommission.failed': FailureDetails;
  'namespace.deleted': { targetRequestId: string } | undefined;
  'reconcile.repaired': { objects: string[] };
  'member.added': { user: string; username: string };
  'member.removed': { user: string } | LapsedDetails;
  'member.granted': { user: string };
  'member.revoked': { user: string };
  'member.expired': LapsedDetails;
  'member.departed': LapsedDetails;
  'binding.flagged': {
    binding: string;
    role: { kind: string; name: string };
    subject: Subject & { namespace?: string };
  };
  'binding.removed': {
    binding: string;
    roleRef: unknown;
    subjects: unknown;
    outsiders: Array<Subject & { namespace?: string }>;
  };
  'certificate.issued': {
    serialNumber: string;
    username: string;
    groups: string[];
    expiresAt: string;
    key: string;
    warnings?: string[];
  };
  'certificate.revoked': {
    serialNumber: string;
    username: string;
    groups: string[];
  };
  'certificate.failed': {
    action: 'issue' | 'revoke';
    reason: string;
    serialNumber?: string;
  };
}

/** Details of a failed provisioning or decommissioning attempt. */
export interface FailureDetails {
  attempt: number;
  error: string;
  nextAttemptAt: string;
}

/** Details of an extra member who lapsed and was removed. */
export interface LapsedDetails {
  user: string;
  reason: string;
  addedBy: string;
  addedAt?: string;
  expiresAt?: string;
}

/** The request and namespace an event belongs to. */
export interface HistoryTarget {
  /** The request's id. */
  id: string;
  cluster: string;
  namespace: string;
}

/** `<cluster>/<namespace>`, as the history records it. */
export function historyNamespace(target: {
  cluster: string;
  namespace: string;
}): string {
  return `${target.cluster}/${target.namespace}`;
}

/** One event as a feature records it; `actor` defaults to `system`. */
export interface RecordedEvent<T extends HistoryEventType> {
  actor?: string;
  message: string;
  details?: HistoryDetails[T];
}

/**
 * An event just written to the history, as listeners (notifications,
 * signals) get it: what the history row holds, nothing more.
 */
export interface RecordedHistoryEvent {
  type: HistoryEventType;
  actor: string;
  message: string;
  /** The request, for namespace events. */
  target?: HistoryTarget;
  details?: Record<string, unknown>;
}

/**
 * Told of every event after it is written. A listener never fails the
 * change the event belongs to: its errors are logged.
 */
export type HistoryListener = (event: RecordedHistoryEvent) => Promise<void>;

/**
 * Writes the public history, one typed method per kind of event. The two
 * features keep different rules, on purpose: a namespace event is part of
 * the change (a failed write fails the action, which is retried). An issued
 * certificate is written with its event, both or neither
 * ({@link HistoryRecorder.certificateWith}); the other certificate events
 * never turn a revoked certificate or a failure into an error, and a lost
 * history line is logged.
 */
export class HistoryRecorder {
  constructor(
    private readonly options: {
      store: Pick<HistoryStore, 'addHistoryEvent' | 'addHistoryEvents'>;
      logger: LoggerService;
      listeners?: HistoryListener[];
    },
  ) {}

  /** Adds a listener told of every event written from now on. */
  addListener(listener: HistoryListener): void {
    this.options.listeners = [...(this.options.listeners ?? []), listener];
  }

  /**
   * Tells the listeners, after the event is stored: a notification or a
   * signal never goes out for a change that did not happen, and a listener
   * that fails (the notifications backend down) never undoes one that did.
   */
  private async tell(event: RecordedHistoryEvent): Promise<void> {
    for (const listener of this.options.listeners ?? []) {
      try {
        await listener(event);
      } catch (e) {
        this.options.logger.warn(
          `Could not pass on ${event.type} (${event.message}): ${stringifyError(
            e,
          )}`,
        );
      }
    }
  }

  /** Records an event of a namespace request; throws when it cannot be written. */
  async namespace<T extends NamespaceEventType>(
    type: T,
    target: HistoryTarget,
    event: RecordedEvent<T>,
  ): Promise<void> {
    const actor = event.actor ?? 'system';
    const details: Record<string, unknown> | undefined = event.details
      ? { ...event.details }
      : undefined;
    await this.options.store.addHistoryEvent({
      actor,
      type,
      requestId: target.id,
      namespace: historyNamespace(target),
      message: event.message,
      ...(details ? { details } : {}),
    });
    await this.tell({
      type,
      actor,
      message: event.message,
      // Callers pass whole requests; listeners get the target only.
      target: {
        id: target.id,
        cluster: target.cluster,
        namespace: target.namespace,
      },
      details,
    });
  }

  /**
   * Records several events of one type and request in one write (the steps
   * of a provisioning), each at the time it happened; throws when they
   * cannot be written, like {@link HistoryRecorder.namespace}.
   */
  async namespaceEvents<T extends NamespaceEventType>(
    type: T,
    target: HistoryTarget,
    events: Array<RecordedEvent<T> & { at: Date }>,
  ): Promise<void> {
    const rows = events.map(event => {
      const details: Record<string, unknown> | undefined = event.details
        ? { ...event.details }
        : undefined;
      return {
        actor: event.actor ?? 'system',
        type,
        requestId: target.id,
        namespace: historyNamespace(target),
        message: event.message,
        at: event.at,
        ...(details ? { details } : {}),
      };
    });
    await this.options.store.addHistoryEvents(rows);
    for (const row of rows) {
      await this.tell({
        type,
        actor: row.actor,
        message: row.message,
        target: {
          id: target.id,
          cluster: target.cluster,
          namespace: target.namespace,
        },
        details: row.details,
      });
    }
  }

  /** Records a certificate event; never throws. */
  async certificate<T extends CertificateEventType>(
    type: T,
    event: RecordedEvent<T> & { actor: string },
  ): Promise<void> {
    try {
      await this.options.store.addHistoryEvent(certificateRow(type, event));
    } catch (e) {
      this.options.logger.error(
        `Could not record ${type} in the history: ${stringifyError(e)}`,
      );
      return;
    }
    await this.tell({ type, actor: event.actor, message: event.message });
  }

  /**
   * Records a certificate event in the same write as the change it belongs
   * to: `write` stores both, or neither and throws (which this passes on).
   * Listeners are told once both are stored.
   */
  async certificateWith<T extends CertificateEventType, R>(
    type: T,
    event: RecordedEvent<T> & { actor: string },
    write: (event: NewHistoryEvent) => Promise<R>,
  ): Promise<R> {
    const result = await write(certificateRow(type, event));
    await this.tell({ type, actor: event.actor, message: event.message });
    return result;
  }
}

function certificateRow<T extends CertificateEventType>(
  type: T,
  event: RecordedEvent<T> & { actor: string },
): NewHistoryEvent {
  return {
    actor: event.actor,
    type,
    message: event.message,
    ...(event.details ? { details: { ...event.details } } : {}),
  };
}
