/*
 * The admission chain for workloads, in kube-apiserver's order: mutating plugins
 * (LimitRanger defaults, ServiceAccount, Priority, DefaultTolerationSeconds) before the
 * object is validated, validating plugins (LimitRanger limits, PodSecurity, ResourceQuota)
 * after. Registry work that is not admission (a new pod's status, a Service's cluster IP)
 * happens here too, because it needs the store.
 */
import { randomInt } from 'node:crypto';
import { forbiddenResource, GroupResource } from './errors';
import { applyLimitRangeDefaults, limitRangeViolations } from './limitranger';
import { admitPodSecurity, podTemplateWarnings } from './podsecurity';
import { admitQuota } from './quota';
import { KubeObject, ResourceType, resourceTypes } from './resources';
import { defaultService } from './services';
import { ObjectStore } from './store';
import { qosClass } from './workloads';

type Obj = Record<string, any>;

const typeOf = (group: string, resource: string) =>
  resourceTypes.find(t => t.group === group && t.resource === resource)!;
const namespaces = typeOf('', 'namespaces');
const limitRanges = typeOf('', 'limitranges');
const quotas = typeOf('', 'resourcequotas');
const serviceAccounts = typeOf('', 'serviceaccounts');
const services = typeOf('', 'services');

const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

function suffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(
    { length: 5 },
    () => alphabet[randomInt(alphabet.length)],
  ).join('');
}

/** Which admission plugins run: all for API requests, none for the peer's own set-up. */
export interface AdmissionOptions {
  plugins: boolean;
  dryRun: boolean;
}

export class Admission {
  constructor(private readonly store: ObjectStore) {}

  private gr(type: ResourceType): GroupResource {
    return { group: type.group, resource: type.resource };
  }

  /** The ServiceAccount plugin: the account must exist; its token is mounted. */
  private serviceAccount(pod: Obj, type: ResourceType): void {
    const spec = pod.spec;
    const ns = pod.metadata?.namespace ?? '';
    const name: string =
      spec.serviceAccountName || spec.serviceAccount || 'default';
    spec.serviceAccountName = name;
    spec.serviceAccount = name;
    const account = this.store.get(serviceAccounts, ns, name);
    if (!account) {
      throw forbiddenResource(
        this.gr(type),
        pod.metadata?.name ?? '',
        `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`,
      );
    }
    if (
      spec.automountServiceAccountToken === false ||
      account.automountServiceAccountToken === false
    )
      return;
    const volume = `kube-api-access-${suffix()}`;
    spec.volumes = [
      ...(spec.volumes ?? []),
      {
        name: volume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            {
              configMap: {
                name: 'kube-root-ca.crt',
                items: [{ key: 'ca.crt', path: 'ca.crt' }],
              },
            },
            {
              downwardAPI: {
                items: [
                  {
                    path: 'namespace',
                    fieldRef: {
                      apiVersion: 'v1',
                      fieldPath: 'metadata.namespace',
                    },
                  },
                ],
              },
            },
          ],
        },
      },
    ];
    for (const c of [
      ...(spec.initContainers ?? []),
      ...(spec.containers ?? []),
    ]) {
      if (
        (c.volumeMounts ?? []).some((m: Obj) => m.mountPath === tokenMountPath)
      )
        continue;
      c.volumeMounts = [
        ...(c.volumeMounts ?? []),
        { name: volume, readOnly: true, mountPath: tokenMountPath },
      ];
    }
  }

  private mutatePod(pod: Obj, type: ResourceType, plugins: boolean): void {
    const spec = pod.spec;
    if (plugins) {
      applyLimitRangeDefaults(
        pod,
        this.store.view(limitRanges, pod.metadata?.namespace),
      );
      this.serviceAccount(pod, type);
      if (!spec.priorityClassName) spec.priority ??= 0;
      spec.preemptionPolicy ??= 'PreemptLowerPriority';
      const tolerations: Obj[] = spec.tolerations ?? [];
      for (const key of [
        'node.kubernetes.io/not-ready',
        'node.kubernetes.io/unreachable',
      ]) {
        if (!tolerations.some(t => t.key === key)) {
          tolerations.push({
            key,
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300,
          });
        }
      }
      spec.tolerations = tolerations;
    }
    pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
  }

  /** Mutating admission and registry defaults that need stored state. */
  mutate(
    type: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
    options: AdmissionOptions,
  ): void {
    if (type.kind === 'Pod' && !old) this.mutatePod(obj, type, options.plugins);
    if (type.kind === 'Service') {
      const clusterIPs = new Set<string>();
      const nodePorts = new Set<number>();
      for (const s of this.store.list(services)) {
        const spec = (s.spec ?? {}) as Obj;
        if (spec.clusterIP) clusterIPs.add(spec.clusterIP);
        for (const p of spec.ports ?? [])
          if (p.nodePort) nodePorts.add(p.nodePort);
      }
      defaultService(obj, old, { clusterIPs, nodePorts });
    }
  }

  private namespaceLabels(obj: KubeObject): Record<string, string> {
    return (
      this.store.peek(namespaces, undefined, obj.metadata?.namespace ?? '')
        ?.metadata?.labels ?? {}
    );
  }

  /** Validating admission; returns the warnings to send with the answer. */
  validate(
    type: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
    options: AdmissionOptions,
  ): string[] {
    if (!options.plugins || !type.namespaced) return [];
    const warnings: string[] = [];
    const name = obj.metadata?.name ?? '';
    if (type.kind === 'Pod' && !old) {
      for (const lr of this.store.view(limitRanges, obj.metadata?.namespace)) {
        const problems = limitRangeViolations(obj, lr);
        if (problems.length > 0) {
          const why =
            problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
          throw forbiddenResource(this.gr(type), name, why);
        }
      }
      const psa = admitPodSecurity(
        (obj.spec ?? {}) as Obj,
        this.namespaceLabels(obj),
      );
      if (psa.refusal)
        throw forbiddenResource(this.gr(type), name, psa.refusal);
      warnings.push(...psa.warnings);
    }
    if (type.kind === 'Deployment') {
      const template = ((obj.spec as Obj)?.template?.spec ?? {}) as Obj;
      warnings.push(
        ...podTemplateWarnings(template, this.namespaceLabels(obj)),
      );
    }
    return warnings;
  }

  /** ResourceQuota, the last validating plugin: a create must fit every quota. */
  quota(
    type: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
    options: AdmissionOptions,
  ): void {
    if (!options.plugins || !type.namespaced || old) return;
    admitQuota({
      store: this.store,
      quotaType: quotas,
      type,
      obj,
      gr: this.gr(type),
    });
  }
}
