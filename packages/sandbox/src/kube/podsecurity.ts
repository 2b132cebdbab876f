/*
 * Pod Security Admission (staging/src/k8s.io/pod-security-admission) from the namespace's
 * `pod-security.kubernetes.io/{enforce,warn}[-version]` labels. The checks implemented are
 * the ones `kubectl run` and ordinary manifests meet; each keeps upstream's reason, detail
 * and order, so the aggregated messages read exactly as a real cluster's:
 *
 *   baseline:   hostNamespaces, hostPorts, privileged, then (baseline level only, as
 *               restricted replaces them) capabilities_baseline, hostPathVolumes,
 *               seccompProfile_baseline
 *   restricted: the baseline ones, then allowPrivilegeEscalation, capabilities_restricted,
 *               restrictedVolumes, runAsNonRoot, runAsUser, seccompProfile_restricted
 *
 * Not checked: AppArmor, SELinux options, /proc mount type, sysctls, Windows host process.
 */
type Obj = Record<string, any>;
type Level = 'privileged' | 'baseline' | 'restricted';
type Result = { reason: string; detail: string } | undefined;
type Check = (spec: Obj) => Result;

const joinQuote = (items: string[]) =>
  items.length === 0 ? '' : `"${items.join('", "')}"`;
const pluralize = (one: string, many: string, n: number) =>
  n === 1 ? one : many;
const sortedUnique = (items: string[]) => [...new Set(items)].sort();

/** Containers as PSA visits them: init containers, containers, ephemeral containers. */
function containers(spec: Obj): Obj[] {
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
}

function named(list: Obj[], what: string): string {
  return `${pluralize(what, `${what}s`, list.length)} ${joinQuote(
    list.map(c => c.name),
  )}`;
}

const hostNamespaces: Check = spec => {
  const used = ['hostIPC', 'hostNetwork', 'hostPID'].filter(
    f => spec[f] === true,
  );
  return used.length
    ? { reason: 'host namespaces', detail: used.join(', ') }
    : undefined;
};

const hostPorts: Check = spec => {
  const bad = containers(spec).filter(c =>
    (c.ports ?? []).some((p: Obj) => p.hostPort),
  );
  if (!bad.length) return undefined;
  const ports = sortedUnique(
    bad.flatMap(c =>
      (c.ports ?? [])
        .filter((p: Obj) => p.hostPort)
        .map((p: Obj) => String(p.hostPort)),
    ),
  );
  return {
    reason: 'hostPort',
    detail: `${named(bad, 'container')} ${pluralize(
      'uses',
      'use',
      bad.length,
    )} ${pluralize('hostPort', 'hostPorts', ports.length)} ${ports.join(', ')}`,
  };
};

const privileged: Check = spec => {
  const bad = containers(spec).filter(
    c => c.securityContext?.privileged === true,
  );
  return bad.length
    ? {
        reason: 'privileged',
        detail: `${named(
          bad,
          'container',
        )} must not set securityContext.privileged=true`,
      }
    : undefined;
};

const defaultCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const capabilitiesBaseline: Check = spec => {
  const caps: string[] = [];
  const bad = containers(spec).filter(c => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter(
      (x: string) => !defaultCapabilities.has(x),
    );
    caps.push(...extra);
    return extra.length > 0;
  });
  return bad.length
    ? {
        reason: 'non-default capabilities',
        detail: `${named(bad, 'container')} must not include ${joinQuote(
          sortedUnique(caps),
        )} in securityContext.capabilities.add`,
      }
    : undefined;
};

const hostPathVolumes: Check = spec => {
  const bad = (spec.volumes ?? []).filter((v: Obj) => v.hostPath);
  return bad.length
    ? { reason: 'hostPath volumes', detail: named(bad, 'volume') }
    : undefined;
};

const validSeccomp = (t: unknown) =>
  t === 'RuntimeDefault' || t === 'Localhost';

function seccompBadSetters(spec: Obj): {
  setters: string[];
  values: string[];
  podSet: boolean;
} {
  const setters: string[] = [];
  const values: string[] = [];
  const podType = spec.securityContext?.seccompProfile?.type;
  if (podType !== undefined && !validSeccomp(podType)) {
    setters.push('pod');
    values.push(podType);
  }
  const bad = containers(spec).filter(c => {
    const t = c.securityContext?.seccompProfile?.type;
    if (t === undefined || validSeccomp(t)) return false;
    values.push(t);
    return true;
  });
  if (bad.length) setters.push(named(bad, 'container'));
  return {
    setters,
    values: sortedUnique(values),
    podSet: validSeccomp(podType),
  };
}

const seccompBaseline: Check = spec => {
  const { setters, values } = seccompBadSetters(spec);
  return setters.length
    ? {
        reason: 'seccompProfile',
        detail: `${setters.join(
          ' and ',
        )} must not set securityContext.seccompProfile.type to ${joinQuote(
          values,
        )}`,
      }
    : undefined;
};

const allowPrivilegeEscalation: Check = spec => {
  const bad = containers(spec).filter(
    c => c.securityContext?.allowPrivilegeEscalation !== false,
  );
  return bad.length
    ? {
        reason: 'allowPrivilegeEscalation != false',
        detail: `${named(
          bad,
          'container',
        )} must set securityContext.allowPrivilegeEscalation=false`,
      }
    : undefined;
};

const capabilitiesRestricted: Check = spec => {
  const all = containers(spec);
  const missingDrop = all.filter(
    c => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'),
  );
  const caps: string[] = [];
  const adding = all.filter(c => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter(
      (x: string) => x !== 'NET_BIND_SERVICE',
    );
    caps.push(...extra);
    return extra.length > 0;
  });
  const details: string[] = [];
  if (missingDrop.length)
    details.push(
      `${named(
        missingDrop,
        'container',
      )} must set securityContext.capabilities.drop=["ALL"]`,
    );
  if (adding.length)
    details.push(
      `${named(adding, 'container')} must not include ${joinQuote(
        sortedUnique(caps),
      )} in securityContext.capabilities.add`,
    );
  return details.length
    ? { reason: 'unrestricted capabilities', detail: details.join('; ') }
    : undefined;
};

const allowedVolumeSources = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const restrictedVolumes: Check = spec => {
  const types: string[] = [];
  const bad = (spec.volumes ?? []).filter((v: Obj) => {
    const sources = Object.keys(v).filter(k => k !== 'name');
    if (sources.some(k => allowedVolumeSources.has(k))) return false;
    types.push(sources[0] ?? 'unknown');
    return true;
  });
  if (!bad.length) return undefined;
  const kinds = sortedUnique(types);
  return {
    reason: 'restricted volume types',
    detail: `${named(bad, 'volume')} ${pluralize(
      'uses',
      'use',
      bad.length,
    )} ${pluralize(
      'restricted volume type',
      'restricted volume types',
      kinds.length,
    )} ${joinQuote(kinds)}`,
  };
};

const runAsNonRoot: Check = spec => {
  const podValue = spec.securityContext?.runAsNonRoot;
  const setters = podValue === false ? ['pod'] : [];
  const explicit = containers(spec).filter(
    c => c.securityContext?.runAsNonRoot === false,
  );
  const implicit = containers(spec).filter(
    c => c.securityContext?.runAsNonRoot === undefined && podValue !== true,
  );
  if (explicit.length) setters.push(named(explicit, 'container'));
  if (setters.length)
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(
        ' and ',
      )} must not set securityContext.runAsNonRoot=false`,
    };
  return implicit.length
    ? {
        reason: 'runAsNonRoot != true',
        detail: `pod or ${named(
          implicit,
          'container',
        )} must set securityContext.runAsNonRoot=true`,
      }
    : undefined;
};

const runAsUser: Check = spec => {
  const setters = spec.securityContext?.runAsUser === 0 ? ['pod'] : [];
  const bad = containers(spec).filter(c => c.securityContext?.runAsUser === 0);
  if (bad.length) setters.push(named(bad, 'container'));
  return setters.length
    ? {
        reason: 'runAsUser=0',
        detail: `${setters.join(' and ')} must not set runAsUser=0`,
      }
    : undefined;
};

const seccompRestricted: Check = spec => {
  const { setters, values, podSet } = seccompBadSetters(spec);
  if (setters.length) {
    return {
      reason: 'seccompProfile',
      detail: `${setters.join(
        ' and ',
      )} must not set securityContext.seccompProfile.type to ${joinQuote(
        values,
      )}`,
    };
  }
  const implicit = containers(spec).filter(
    c => c.securityContext?.seccompProfile === undefined && !podSet,
  );
  return implicit.length
    ? {
        reason: 'seccompProfile',
        detail: `pod or ${named(
          implicit,
          'container',
        )} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      }
    : undefined;
};

const baselineChecks = [hostNamespaces, hostPorts, privileged];
const baselineOnlyChecks = [
  capabilitiesBaseline,
  hostPathVolumes,
  seccompBaseline,
];
const restrictedChecks = [
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
];

/** `violates … : reason (detail), …` text of a pod spec at a level; undefined when it passes. */
function evaluate(level: Level, spec: Obj): string | undefined {
  if (level === 'privileged') return undefined;
  const checks = [
    ...baselineChecks,
    ...(level === 'baseline' ? baselineOnlyChecks : restrictedChecks),
  ];
  const failed = checks
    .map(c => c(spec))
    .filter((r): r is NonNullable<Result> => !!r);
  if (!failed.length) return undefined;
  return failed
    .map(r => (r.detail ? `${r.reason} (${r.detail})` : r.reason))
    .join(', ');
}

const levels: Level[] = ['privileged', 'baseline', 'restricted'];

/** The level and version a namespace label pair sets (`privileged:latest` when absent). */
function policy(
  labels: Record<string, string>,
  mode: 'enforce' | 'warn',
): { level: Level; text: string } {
  const value = labels[`pod-security.kubernetes.io/${mode}`];
  const level = (levels as string[]).includes(value)
    ? (value as Level)
    : 'privileged';
  const version =
    labels[`pod-security.kubernetes.io/${mode}-version`] || 'latest';
  return { level, text: `${level}:${version}` };
}

/** Admission of a Pod: the refusal (`violates PodSecurity …`) or the warnings to send. */
export function admitPodSecurity(
  spec: Obj,
  namespaceLabels: Record<string, string>,
): { refusal?: string; warnings: string[] } {
  const enforce = policy(namespaceLabels, 'enforce');
  const violation = evaluate(enforce.level, spec);
  if (violation)
    return {
      refusal: `violates PodSecurity "${enforce.text}": ${violation}`,
      warnings: [],
    };
  const warn = policy(namespaceLabels, 'warn');
  const would = evaluate(warn.level, spec);
  return {
    warnings: would
      ? [`would violate PodSecurity "${warn.text}": ${would}`]
      : [],
  };
}

/** Workload resources are never refused; their pod template only draws warnings. */
export function podTemplateWarnings(
  spec: Obj,
  namespaceLabels: Record<string, string>,
): string[] {
  const out: string[] = [];
  for (const mode of ['enforce', 'warn'] as const) {
    const p = policy(namespaceLabels, mode);
    const would = evaluate(p.level, spec);
    const text = would && `would violate PodSecurity "${p.text}": ${would}`;
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}
