/*
 * Server-side printing (`meta.k8s.io/v1` Table), which kubectl asks for on `get`. Columns
 * follow kube-apiserver's printers for the served kinds.
 */
import { apiVersionOf, KubeObject, ResourceType } from './resources';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (o: KubeObject) => unknown;
}

/** `duration.HumanDuration`, as kubectl's AGE column shows it. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const d = Math.floor(hours / 24);
    return h === 0 ? `${d}d` : `${d}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
  priority: 0,
  cell: o => o.metadata?.name ?? '',
};

const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: o =>
    o.metadata?.creationTimestamp
      ? humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp))
      : '<unknown>',
};

const createdAtColumn: Column = {
  name: 'Created At',
  type: 'date',
  description: ageColumn.description,
  priority: 0,
  cell: o => o.metadata?.creationTimestamp ?? '',
};

function subjectsOf(o: KubeObject, kind: string): string {
  const subjects = (o.subjects ?? []) as {
    kind: string;
    name: string;
    namespace?: string;
  }[];
  return subjects
    .filter(s => s.kind === kind)
    .map(s =>
      kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name,
    )
    .join(', ');
}

function quotaSummary(o: KubeObject, limits: boolean): string {
  const status = (o.status ?? {}) as {
    hard?: Record<string, string>;
    used?: Record<string, string>;
  };
  return Object.keys(status.hard ?? {})
    .filter(k => k.startsWith('limits.') === limits)
    .sort()
    .map(k => `${k}: ${status.used?.[k] ?? '0'}/${status.hard?.[k]}`)
    .join(', ');
}

const text = (
  name: string,
  description: string,
  cell: Column['cell'],
): Column => ({ name, type: 'string', description, priority: 0, cell });
const int = (
  name: string,
  description: string,
  cell: Column['cell'],
): Column => ({ name, type: 'integer', description, priority: 0, cell });

function columnsFor(type: ResourceType): Column[] {
  switch (type.kind) {
    case 'Namespace':
      return [
        nameColumn,
        {
          name: 'Status',
          type: 'string',
          description: 'The status of the namespace',
          priority: 0,
          cell: o => (o.status as { phase?: string })?.phase ?? '',
        },
        ageColumn,
      ];
    case 'ConfigMap':
      return [
        nameColumn,
        {
          name: 'Data',
          type: 'string',
          description: 'Data contains the configuration data.',
          priority: 0,
          cell: o =>
            Object.keys((o.data ?? {}) as object).length +
            Object.keys((o.binaryData ?? {}) as object).length,
        },
        ageColumn,
      ];
    case 'ResourceQuota':
      return [
        nameColumn,
        ageColumn,
        {
          name: 'Request',
          type: 'string',
          description:
            'Request represents a minimum amount of cpu/memory that a container may consume.',
          priority: 0,
          cell: o => quotaSummary(o, false),
        },
        {
          name: 'Limit',
          type: 'string',
          description:
            'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
          priority: 0,
          cell: o => quotaSummary(o, true),
        },
      ];
    case 'NetworkPolicy':
      return [
        nameColumn,
        {
          name: 'Pod-Selector',
          type: 'string',
          description:
            'Selects the pods to which this NetworkPolicy object applies.',
          priority: 0,
          cell: o => {
            const sel = ((o.spec as any)?.podSelector?.matchLabels ??
              {}) as Record<string, string>;
            const s = Object.entries(sel)
              .map(([k, v]) => `${k}=${v}`)
              .join(',');
            return s || '<none>';
          },
        },
        ageColumn,
      ];
    case 'Pod':
      return [
        nameColumn,
        text(
          'Ready',
          'The aggregate readiness state of this pod for accepting traffic.',
          o => {
            const statuses = ((o.status as any)?.containerStatuses ?? []) as {
              ready?: boolean;
            }[];
            const total = ((o.spec as any)?.containers ?? []).length;
            return `${statuses.filter(c => c.ready).length}/${total}`;
          },
        ),
        text(
          'Status',
          'The aggregate status of the containers in this pod.',
          o =>
            o.metadata?.deletionTimestamp
              ? 'Terminating'
              : (o.status as any)?.phase ?? '',
        ),
        text(
          'Restarts',
          'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
          () => '0',
        ),
        ageColumn,
      ];
    case 'Deployment':
      return [
        nameColumn,
        text(
          'Ready',
          'Number of the pod with ready state',
          o =>
            `${(o.status as any)?.readyReplicas ?? 0}/${
              (o.spec as any)?.replicas ?? 0
            }`,
        ),
        int(
          'Up-to-date',
          'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
          o => (o.status as any)?.updatedReplicas ?? 0,
        ),
        int(
          'Available',
          'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
          o => (o.status as any)?.availableReplicas ?? 0,
        ),
        ageColumn,
      ];
    case 'Service':
      return [
        nameColumn,
        text(
          'Type',
          'The type of the service.',
          o => (o.spec as any)?.type ?? '',
        ),
        text(
          'Cluster-IP',
          'The IP address of the service.',
          o => (o.spec as any)?.clusterIP ?? '<none>',
        ),
        text('External-IP', 'The external IP address of the service.', o =>
          (o.spec as any)?.type === 'LoadBalancer' ? '<pending>' : '<none>',
        ),
        text(
          'Port(s)',
          'The ports that this service exposes.',
          o =>
            (((o.spec as any)?.ports ?? []) as any[])
              .map(
                p =>
                  `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${
                    p.protocol ?? 'TCP'
                  }`,
              )
              .join(',') || '<none>',
        ),
        ageColumn,
      ];
    case 'Secret':
      return [
        nameColumn,
        text('Type', 'The type of the secret', o => String(o.type ?? '')),
        int(
          'Data',
          'The number of data items in the secret',
          o => Object.keys((o.data ?? {}) as object).length,
        ),
        ageColumn,
      ];
    case 'ServiceAccount':
      return [
        nameColumn,
        int(
          'Secrets',
          'The number of secrets in the service account',
          o => ((o.secrets ?? []) as unknown[]).length,
        ),
        ageColumn,
      ];
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return [
        nameColumn,
        {
          name: 'Role',
          type: 'string',
          description:
            'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
          priority: 0,
          cell: o => {
            const ref = o.roleRef as
              | { kind?: string; name?: string }
              | undefined;
            return `${ref?.kind ?? ''}/${ref?.name ?? ''}`;
          },
        },
        ageColumn,
        {
          name: 'Users',
          type: 'string',
          description: 'Users in the binding',
          priority: 1,
          cell: o => subjectsOf(o, 'User'),
        },
        {
          name: 'Groups',
          type: 'string',
          description: 'Groups in the binding',
          priority: 1,
          cell: o => subjectsOf(o, 'Group'),
        },
        {
          name: 'ServiceAccounts',
          type: 'string',
          description: 'ServiceAccounts in the binding',
          priority: 1,
          cell: o => subjectsOf(o, 'ServiceAccount'),
        },
      ];
    default:
      return [nameColumn, createdAtColumn];
  }
}

/** Renders objects as a Table; `includeObject` as the `includeObject` query parameter says. */
export function toTable(options: {
  type: ResourceType;
  objects: KubeObject[];
  listMetadata: Record<string, unknown>;
  includeObject?: string;
}): Record<string, unknown> {
  const columns = columnsFor(options.type);
  const include = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: options.listMetadata,
    columnDefinitions: columns.map(({ cell: _cell, ...def }) => ({
      format: '',
      ...def,
    })),
    rows: options.objects.map(o => {
      const row: Record<string, unknown> = {
        cells: columns.map(c => c.cell(o)),
      };
      if (include === 'Object') {
        row.object = {
          apiVersion: apiVersionOf(options.type),
          kind: options.type.kind,
          ...o,
        };
      } else if (include === 'Metadata') {
        row.object = {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: o.metadata,
        };
      }
      return row;
    }),
  };
}
