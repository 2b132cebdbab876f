import { badRequest } from './errors';
import { KubeObject } from './resources';

/** One parsed label requirement (`k8s.io/apimachinery/pkg/labels.Requirement`). */
export interface LabelRequirement {
  key: string;
  operator: 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

function splitTopLevel(s: string): string[] {
  // Commas separate requirements except inside `in (a,b)` value sets.
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map(p => p.trim()).filter(p => p.length > 0);
}

const keyRe = /^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$/;

function checkKey(key: string, raw: string): string {
  if (!keyRe.test(key)) {
    throw badRequest(
      `unable to parse requirement: found '${raw}', expected: identifier`,
    );
  }
  return key;
}

/**
 * Parses a label selector string: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`,
 * `!a`, comma-separated. Throws a 400 like kube-apiserver on a malformed selector.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTopLevel(selector).map(part => {
    let m = /^!\s*(\S+)$/.exec(part);
    if (m) return { key: checkKey(m[1], part), operator: '!', values: [] };
    m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(part);
    if (m) {
      const values = m[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v.length > 0);
      return {
        key: checkKey(m[1], part),
        operator: m[2] as 'in' | 'notin',
        values,
      };
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      return {
        key: checkKey(m[1], part),
        operator: m[2] === '!=' ? 'notin' : 'in',
        values: [m[3]],
      };
    }
    m = /^([^=!\s()]+)$/.exec(part);
    if (m) return { key: checkKey(m[1], part), operator: 'exists', values: [] };
    throw badRequest(
      `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`,
    );
  });
}

/** True when `labels` satisfy every requirement. */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!':
        return !has;
      default:
        return false;
    }
  });
}

/** A `metav1.LabelSelector` (matchLabels + matchExpressions), as used in aggregation rules. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Converts a structured label selector into requirements. */
export function requirementsFromSelector(
  sel: LabelSelectorObject,
): LabelRequirement[] {
  const out: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(
    ([key, value]) => ({ key, operator: 'in' as const, values: [value] }),
  );
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') {
      out.push({ key: e.key, operator: op, values: e.values ?? [] });
    } else if (op === 'exists') {
      out.push({ key: e.key, operator: 'exists', values: [] });
    } else if (op === 'doesnotexist') {
      out.push({ key: e.key, operator: '!', values: [] });
    }
  }
  return out;
}

/** One parsed field requirement. */
export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  negate: boolean;
  value: string;
}

/** Parses a field selector; only `metadata.name` and `metadata.namespace` are supported. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitTopLevel(selector).map(part => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (!m) {
      throw badRequest(
        `invalid selector: '${selector}'; can't understand '${part}'`,
      );
    }
    if (m[1] !== 'metadata.name' && m[1] !== 'metadata.namespace') {
      throw badRequest(`field label not supported: ${m[1]}`);
    }
    return {
      field: m[1] as FieldRequirement['field'],
      negate: m[2] === '!=',
      value: m[3],
    };
  });
}

/** True when `obj` satisfies every field requirement. */
export function matchesFields(
  requirements: FieldRequirement[],
  obj: KubeObject,
): boolean {
  return requirements.every(r => {
    const actual =
      r.field === 'metadata.name'
        ? obj.metadata?.name ?? ''
        : obj.metadata?.namespace ?? '';
    return r.negate ? actual !== r.value : actual === r.value;
  });
}
