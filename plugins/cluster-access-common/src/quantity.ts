/**
 * Kubernetes resource quantities (`500m`, `4Gi`, `20`, `1e3`), read as plain
 * numbers: the backend compares desired and live values with them (the API
 * server canonicalises `1024Mi` to `1Gi`), the frontend draws quota usage.
 */

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// The exponent form (`1e3`) is tried before the `E` (exa) suffix.
const QUANTITY =
  /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * The value of a Kubernetes quantity as a plain number (`500m` → 0.5,
 * `1Gi` → 1073741824), or `undefined` when it is not one.
 *
 * @public
 */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number, exponent, suffix] = match;
  const value = Number(number);
  if (exponent) return value * 10 ** Number(exponent.slice(1));
  return value * SUFFIXES[suffix ?? ''];
}
