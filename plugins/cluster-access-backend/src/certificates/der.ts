/**
 * A strict DER reader for the few structures the certificate checks read.
 * ASN.1 schema parsing (asn1js, @peculiar/asn1-schema) was most of the CPU
 * of an issuance; this reads each element once, in place. It accepts only
 * the distinguished encoding: one-byte tags, definite minimal lengths,
 * minimal INTEGERs and OID arcs, nothing after the last element. Anything
 * else throws {@link DerError}, and the callers fall back to the library
 * reading, so that nothing reads differently from before.
 */

/** The input is not DER of the expected shape. */
export class DerError extends Error {}

/** One element: its tag, its whole encoding and its contents. */
export interface DerElement {
  tag: number;
  /** Tag, length and contents. */
  bytes: Buffer;
  contents: Buffer;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
};

function fail(what: string): never {
  throw new DerError(what);
}

function readAt(buf: Buffer, at: number): { element: DerElement; end: number } {
  if (at + 2 > buf.length) fail('truncated element');
  const tag = buf[at];
  // High tag numbers never occur in what we read.
  if ((tag & 0x1f) === 0x1f) fail('multi-byte tag');
  // Universal types: tag 0 ends BER's indefinite lengths; only SEQUENCE and
  // SET are constructed in DER (strings and the rest must be primitive).
  if (!(tag & 0xc0)) {
    const number = tag & 0x1f;
    if (!number || !(tag & 0x20) !== (number !== 0x10 && number !== 0x11)) {
      fail('bad universal tag');
    }
  }
  let length = buf[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const size = length & 0x7f;
    // 0x80 is BER's indefinite length; more than 3 bytes is no certificate.
    if (size === 0 || size > 3) fail('bad length');
    if (start + size > buf.length) fail('truncated length');
    if (buf[start] === 0) fail('non-minimal length');
    length = buf.readUIntBE(start, size);
    if (length < 0x80) fail('non-minimal length');
    start += size;
  }
  const end = start + length;
  if (end > buf.length) fail('truncated contents');
  return {
    element: {
      tag,
      bytes: buf.subarray(at, end),
      contents: buf.subarray(start, end),
    },
    end,
  };
}

/** The one element that `buf` holds, with nothing after it. */
export function readDer(buf: Buffer, tag?: number): DerElement {
  const { element, end } = readAt(buf, 0);
  if (end !== buf.length) fail('trailing bytes');
  return tag === undefined ? element : expectTag(element, tag);
}

/** The elements inside a constructed element, which they must fill. */
export function childrenOf(element: DerElement, tag?: number): DerElement[] {
  if (tag !== undefined) expectTag(element, tag);
  if (!(element.tag & 0x20)) fail('primitive where constructed expected');
  const out: DerElement[] = [];
  let at = 0;
  while (at < element.contents.length) {
    const next = readAt(element.contents, at);
    out.push(next.element);
    at = next.end;
  }
  return out;
}

/** The children, which must number between `min` and `max`. */
export function fieldsOf(
  element: DerElement,
  tag: number,
  min: number,
  max = min,
): DerElement[] {
  const fields = childrenOf(element, tag);
  if (fields.length < min || fields.length > max) fail('wrong field count');
  return fields;
}

export function expectTag(element: DerElement, tag: number): DerElement {
  if (element.tag !== tag) fail(`tag ${element.tag} where ${tag} expected`);
  return element;
}

/**
 * Checks a whole element and everything inside it, not only the fields a
 * caller reads: what the libraries parse anywhere (parameters, attribute
 * values) must be DER too, or their reading refuses what ours would take.
 */
export function checkDerTree(element: DerElement): void {
  switch (element.tag) {
    case TAG.oid:
      readOid(element);
      return;
    case TAG.integer:
      readInteger(element);
      return;
    case TAG.bitString:
      readBitString(element);
      return;
    case TAG.null:
      if (element.contents.length) fail('bad NULL');
      return;
    case TAG.utcTime:
    case TAG.generalizedTime:
      readTime(element);
      return;
    default:
      if (element.tag & 0x20) childrenOf(element).forEach(checkDerTree);
  }
}

/** An OBJECT IDENTIFIER in dotted form. */
export function readOid(element: DerElement): string {
  const c = expectTag(element, TAG.oid).contents;
  if (!c.length || c[c.length - 1] & 0x80) fail('bad OID');
  const arcs: number[] = [];
  let value = 0;
  let first = true;
  for (let i = 0; i < c.length; i++) {
    // A leading 0x80 pads an arc: not minimal.
    if (first && c[i] === 0x80) fail('non-minimal OID arc');
    first = false;
    value = value * 128 + (c[i] & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) fail('OID arc too large');
    if (!(c[i] & 0x80)) {
      if (!arcs.length) {
        const top = Math.min(Math.floor(value / 40), 2);
        arcs.push(top, value - top * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
      first = true;
    }
  }
  return arcs.join('.');
}

/** The contents of a minimally encoded INTEGER. */
export function readInteger(element: DerElement): Buffer {
  const c = expectTag(element, TAG.integer).contents;
  if (!c.length) fail('empty INTEGER');
  if (
    c.length > 1 &&
    ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))
  ) {
    fail('non-minimal INTEGER');
  }
  return c;
}

/** A small non-negative INTEGER as a number. */
export function readSmallInteger(element: DerElement): number {
  const c = readInteger(element);
  if (c[0] & 0x80 || c.length > 6) fail('INTEGER out of range');
  return c.readUIntBE(0, c.length);
}

/** A BIT STRING's bits; its unused trailing bits must be zero. */
export function readBitString(element: DerElement): {
  unusedBits: number;
  bytes: Buffer;
} {
  const c = expectTag(element, TAG.bitString).contents;
  if (!c.length || c[0] > 7) fail('bad BIT STRING');
  const unusedBits = c[0];
  const bytes = c.subarray(1);
  if (
    unusedBits &&
    (!bytes.length || bytes[bytes.length - 1] & ((1 << unusedBits) - 1))
  ) {
    fail('bad BIT STRING padding');
  }
  return { unusedBits, bytes };
}

/** A BIT STRING holding whole bytes (keys and signatures). */
export function readOctetAlignedBits(element: DerElement): Buffer {
  const { unusedBits, bytes } = readBitString(element);
  if (unusedBits) fail('BIT STRING not octet-aligned');
  return bytes;
}

export function readBoolean(element: DerElement): boolean {
  const c = expectTag(element, TAG.boolean).contents;
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) fail('bad BOOLEAN');
  return c[0] === 0xff;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A PrintableString or UTF8String, read as asn1js reads them (byte per
 * character, and UTF-8); other string types throw.
 */
export function readString(element: DerElement): string {
  if (element.tag === TAG.printableString) {
    return element.contents.toString('latin1');
  }
  if (element.tag === TAG.utf8String) {
    try {
      return UTF8.decode(element.contents);
    } catch {
      return fail('invalid UTF-8');
    }
  }
  return fail('not a PrintableString or UTF8String');
}

/**
 * A UTCTime or GeneralizedTime in the only forms DER allows for
 * certificates (RFC 5280 4.1.2.5: seconds, `Z`, no fractions).
 */
export function readTime(element: DerElement): Date {
  const text = element.contents.toString('latin1');
  let match: RegExpMatchArray | null;
  let year: number;
  if (element.tag === TAG.utcTime) {
    match = text.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/);
    if (!match) fail('bad UTCTime');
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (element.tag === TAG.generalizedTime) {
    match = text.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/);
    if (!match) fail('bad GeneralizedTime');
    year = Number(match[1]);
  } else {
    return fail('not a time');
  }
  const [month, day, hour, minute, second] = match.slice(2).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 31 February over into March; a certificate must not.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    fail('time out of range');
  }
  return date;
}

/** A copy of the bytes as an ArrayBuffer of its own. */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}
