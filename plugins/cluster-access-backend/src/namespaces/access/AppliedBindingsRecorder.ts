import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import { historyNamespace } from '../../history/HistoryRecorder';
import {
  AppliedBindingsObserver,
  ProvisionTarget,
} from '../cluster/NamespaceProvisioner';
import { bindingRows } from './access';
import { NamespaceAccessStore } from './AccessStore';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Records the members' RoleBindings the provisioner has just applied or
 * deleted (provisioning, adding or removing an extra member), in the rows
 * the reconciler writes for them, so that `GET /access` shows a member's
 * roles as soon as the cluster has them. The reconciler's passes still
 * overwrite the record with what they find in the cluster.
 *
 * @internal
 */
export class AppliedBindingsRecorder implements AppliedBindingsObserver {
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      store: Pick<
        NamespaceAccessStore,
        'recordAppliedBindings' | 'forgetBindings'
      >;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async applied(
    target: ProvisionTarget,
    bindings: KubeObject[],
  ): Promise<void> {
    if (bindings.length === 0) return;
    const now = this.clock().toISOString();
    const rows = bindings.flatMap(binding =>
      bindingRows(binding).map(row => ({
        ...row,
        requestId: target.id,
        firstSeenAt: now,
        managed: true,
      })),
    );
    await this.guard(target, 'applied', () =>
      this.options.store.recordAppliedBindings(rows),
    );
  }

  async deleted(target: ProvisionTarget, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.guard(target, 'deleted', () =>
      this.options.store.forgetBindings(target.id, names),
    );
  }

  /**
   * The cluster already changed: a record that fails must not fail the
   * change (a retry would apply again for nothing). The page shows what
   * it showed before until the reconciler's next pass.
   */
  private async guard(
    target: ProvisionTarget,
    what: string,
    write: () => Promise<void>,
  ): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.options.logger.warn(
        `Recording the RoleBindings ${what} in ${historyNamespace(
          target,
        )} failed; the next reconcile pass records them: ${errorMessage(
          error,
        )}`,
      );
    }
  }
}
