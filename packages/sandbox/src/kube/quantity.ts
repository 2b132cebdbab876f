/*
 * `resource.Quantity` (k8s.io/apimachinery/pkg/api/resource) as far as the peer needs it:
 * exact parsing (values are rounded up to whole nano units, as upstream does), comparison,
 * arithmetic, and the canonical form the API server stores and prints in its messages
 * (`1.5` → `1500m`, `1024Mi` → `1Gi`, `0.5Gi` → `512Mi`).
 */

/** How a quantity is written, which decides its canonical form. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: its value in nano units (exact) and its format. */
export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const quantityRe =
  /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE])([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;
const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
/** The largest value a Quantity holds (upstream caps at 2^63-1). */
const maxNanos = (2n ** 63n - 1n) * NANO;

/** The message kube-apiserver's decoder gives for a string that is not a quantity. */
export const quantityFormatMessage =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Parses a quantity written as a string or JSON number; undefined when it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const m = quantityRe.exec(String(value).trim());
  if (!m) return undefined;
  const [, sign, number, e, exp, suffix = ''] = m;
  const [whole, fraction = ''] = number.split('.');
  // value = digits × 10^(scale10) × 2^(scale2), held exactly as a fraction over 10^n.
  let digits = BigInt(`${whole || '0'}${fraction}`);
  let scale10 = -fraction.length;
  let format: QuantityFormat = 'DecimalSI';
  let scale2 = 0;
  if (e) {
    format = 'DecimalExponent';
    scale10 += Number(exp);
  } else if (suffix.endsWith('i')) {
    format = 'BinarySI';
    scale2 = 10 * binarySuffixes.indexOf(suffix);
  } else {
    scale10 += decimalSuffixes[suffix];
  }
  digits *= 2n ** BigInt(scale2);
  // To nano units, rounding any remainder up (so that a tiny request is never zero).
  const shift = scale10 + 9;
  let nanos: bigint;
  if (shift >= 0) {
    nanos = digits * pow10(Math.min(shift, 60));
  } else {
    const divisor = pow10(-shift);
    nanos = digits / divisor + (digits % divisor === 0n ? 0n : 1n);
  }
  if (nanos > maxNanos) nanos = maxNanos;
  if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI';
  return { nanos: sign === '-' ? -nanos : nanos, format };
}

function stripFactors(value: bigint, factor: bigint): [bigint, number] {
  let rest = value;
  let times = 0;
  while (rest !== 0n && rest % factor === 0n) {
    rest /= factor;
    times += 1;
  }
  return [rest, times];
}

/** The canonical text of a quantity, as `Quantity.String()` gives it. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  let format = q.format;
  if (format === 'BinarySI') {
    // Small or fractional values are shown in decimal so that nothing is rounded.
    if (abs < 1024n * NANO || abs % NANO !== 0n) format = 'DecimalSI';
  }
  let text: string;
  if (format === 'BinarySI') {
    const [amount, times] = stripFactors(abs / NANO, 1024n);
    const unit = Math.min(times, binarySuffixes.length - 1);
    const mantissa = amount * 1024n ** BigInt(times - unit);
    text = `${mantissa}${binarySuffixes[unit]}`;
  } else {
    let [mantissa, exponent] = stripFactors(abs, 10n);
    exponent -= 9;
    // The exponent goes down to a multiple of three, the mantissa up to match.
    const r = ((exponent % 3) + 3) % 3;
    mantissa *= pow10(r);
    exponent -= r;
    if (format === 'DecimalExponent') {
      text = exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
    } else {
      const suffix = Object.entries(decimalSuffixes).find(
        ([, e]) => e === exponent,
      )?.[0];
      text =
        suffix === undefined
          ? `${mantissa}e${exponent}`
          : `${mantissa}${suffix}`;
    }
  }
  return negative ? `-${text}` : text;
}

/** The canonical text of a quantity given as text; undefined when it is not one. */
export function canonicalQuantity(value: unknown): string | undefined {
  const q = parseQuantity(value);
  return q ? formatQuantity(q) : undefined;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  if (a.nanos === b.nanos) return 0;
  return a.nanos < b.nanos ? -1 : 1;
}

/** The sum, in the format of the first operand (as `Quantity.Add`). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.format };
}

/** A quantity from a whole number (object counts). */
export function quantityOf(value: number | bigint): Quantity {
  return { nanos: BigInt(value) * NANO, format: 'DecimalSI' };
}

/** Whether the value is a whole number (`MilliValue() % 1000 == 0`, upstream's integer check). */
export function isWholeNumber(q: Quantity): boolean {
  const millis = q.nanos / 1_000_000n + (q.nanos % 1_000_000n > 0n ? 1n : 0n);
  return millis % 1000n === 0n;
}

/** The value in milli units, rounded up like `Quantity.MilliValue()`. */
export function milliValue(q: Quantity): bigint {
  const whole = q.nanos / 1_000_000n;
  return q.nanos % 1_000_000n > 0n ? whole + 1n : whole;
}
