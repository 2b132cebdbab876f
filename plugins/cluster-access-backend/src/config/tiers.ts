import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_NAMING_PATTERN,
  isValidNamingPattern,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { z } from 'zod';
import { RESERVED_LABEL_PREFIXES } from '../namespaces/cluster/labels';
import { DEFAULT_TIERS } from './defaultTiers';
import { tierResourceProblems } from './tierResources';

const quantity = z
  .union([z.string(), z.number()])
  .transform(v => String(v))
  .pipe(
    z
      .string()
      .regex(
        /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[numkKMGTPE]i?|m)?$/,
        'must be a Kubernetes quantity such as 500m, 2, 4Gi',
      ),
  );
const resourceList = z.record(z.string().min(1), quantity);
const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'must be a Kubernetes label or annotation key',
  );
const labelValue = z
  .string()
  .regex(
    /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
    'must be a Kubernetes label value',
  );
const psaLevel = z.enum(['privileged', 'baseline', 'restricted']);

const tierSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/, 'must be a short DNS label'),
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  approval: z.enum(['none', 'required']),
  clusters: z.array(z.string().min(1)).optional(),
  namingPattern: z
    .string()
    .refine(isValidNamingPattern, 'uses unknown placeholders or characters')
    .optional(),
  resourceQuota: resourceList.optional(),
  limitRange: z
    .strictObject({
      default: resourceList.optional(),
      defaultRequest: resourceList.optional(),
      max: resourceList.optional(),
      min: resourceList.optional(),
      maxLimitRequestRatio: resourceList.optional(),
    })
    .optional(),
  networkPolicy: z.boolean().optional(),
  podSecurity: z
    .strictObject({ enforce: psaLevel.optional(), warn: psaLevel.optional() })
    .optional(),
  labels: z.record(labelKey, labelValue).optional(),
  annotations: z.record(labelKey, z.string()).optional(),
  nonMemberBindings: z.enum(['report', 'remove']).optional(),
  // A HumanDuration object or a string (ISO 8601 or '30d'); read by
  // Backstage's own duration reader below.
  extraMemberMaxLifetime: z
    .union([z.string(), z.record(z.string(), z.number())])
    .optional(),
  approvers: z.array(z.string().min(1)).optional(),
});

/**
 * A tier's approvers as full entity refs: each must name its kind, Group or
 * User, since notifications resolve a Group to its members and anything else
 * to its owner, which would tell the wrong people.
 */
function readApprovers(refs: string[] | undefined, key: string): string[] {
  return (refs ?? []).map((ref, i) => {
    let parsed;
    try {
      parsed = parseEntityRef(ref);
    } catch (e) {
      throw new Error(`${key}[${i}]: ${(e as Error).message}`);
    }
    const kind = parsed.kind.toLocaleLowerCase('en-US');
    if (kind !== 'group' && kind !== 'user') {
      throw new Error(
        `${key}[${i}]: '${ref}' must be a Group or User ref such as group:default/cluster-approvers`,
      );
    }
    return stringifyEntityRef(parsed);
  });
}

const listed = (approvers: string[]) =>
  approvers.length === 0 ? {} : { approvers };

/** A tier's extra-member lifetime in seconds, read as Backstage reads durations. */
function readLifetimeSeconds(
  value: string | Record<string, number> | undefined,
  key: string,
): number | undefined {
  if (value === undefined) return undefined;
  let ms: number;
  try {
    ms = durationToMilliseconds(
      readDurationFromConfig(new ConfigReader({ value }), { key: 'value' }),
    );
  } catch (e) {
    throw new Error(
      `${key}: ${(e as Error).message.replace(/ at 'value'/, '')}`,
    );
  }
  if (!(ms >= 1000)) {
    throw new Error(`${key} must be at least one second`);
  }
  return Math.floor(ms / 1000);
}

const lifetime = (seconds: number | undefined) =>
  seconds === undefined ? {} : { extraMemberMaxLifetimeSeconds: seconds };

function problemsOf(error: z.ZodError, where: string): string {
  return error.issues
    .map(i => `${[where, ...i.path].join('.')}: ${i.message}`)
    .join('; ');
}

/** `clusterAccess.tiers` (`raw`), or the built-in tiers on every cluster. */
export function readTiers(raw: unknown, clusters: string[]): TierInfo[] {
  if (raw === undefined) {
    return DEFAULT_TIERS.map(t => ({ ...t, clusters }));
  }
  const tiers = parseTiers(raw, clusters);
  tiers.forEach((tier, index) => {
    const problems = tierResourceProblems(tier);
    if (problems.length > 0) {
      throw new Error(
        `Invalid configuration: clusterAccess.tiers[${index}] (${
          tier.name
        }) would be refused by Kubernetes: ${problems.join('; ')}`,
      );
    }
  });
  return tiers;
}

function parseTiers(raw: unknown, clusters: string[]): TierInfo[] {
  const parsed = z.array(tierSchema).min(1).safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${problemsOf(
        parsed.error,
        'clusterAccess.tiers',
      )}`,
    );
  }
  const names = parsed.data.map(t => t.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`clusterAccess.tiers: duplicate tier '${duplicate}'`);
  }
  return parsed.data.map((t, index) => {
    const unknown = (t.clusters ?? []).filter(c => !clusters.includes(c));
    if (unknown.length > 0) {
      throw new Error(
        `clusterAccess.tiers (${t.name}): unknown clusters ${unknown.join(
          ', ',
        )}`,
      );
    }
    for (const key of [
      ...Object.keys(t.labels ?? {}),
      ...Object.keys(t.annotations ?? {}),
    ]) {
      if (RESERVED_LABEL_PREFIXES.some(p => key.startsWith(p))) {
        throw new Error(
          `clusterAccess.tiers (${t.name}): label or annotation ${key} is set by Cluster Access itself`,
        );
      }
    }
    return {
      name: t.name,
      title: t.title ?? t.name,
      ...(t.description ? { description: t.description } : {}),
      approval: t.approval,
      clusters: t.clusters ?? clusters,
      namingPattern: t.namingPattern ?? DEFAULT_NAMING_PATTERN,
      resourceQuota: t.resourceQuota ?? {},
      limitRange: t.limitRange ?? {},
      networkPolicy: t.networkPolicy ?? true,
      podSecurity: {
        enforce: t.podSecurity?.enforce ?? 'baseline',
        warn: t.podSecurity?.warn ?? 'restricted',
      },
      labels: t.labels ?? {},
      annotations: t.annotations ?? {},
      nonMemberBindings: t.nonMemberBindings ?? 'report',
      ...lifetime(
        readLifetimeSeconds(
          t.extraMemberMaxLifetime,
          `clusterAccess.tiers[${index}].extraMemberMaxLifetime`,
        ),
      ),
      ...listed(
        readApprovers(t.approvers, `clusterAccess.tiers[${index}].approvers`),
      ),
    };
  });
}
