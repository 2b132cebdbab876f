/**
 * A strict DER reader for the few structures the certificate checks read.
 * ASN.1 schema parsing (asn1js, @peculiar/asn1-schema) was most of the CPU
 * of an issuance; this reads each element once, in place. It accepts only
 * the distinguished encoding: one-byte tags, definite minimal lengths,
 * minimal INTEGERs and OID arcs, nothing after the last element. Anything
 * else throws {@link DerError}, and the callers fall back to the library
 * reading, which refuses first what Go refuses (see {@link readDerTree}).
 *
 * Go reads only DER: golang.org/x/crypto/cryptobyte (`readASN1`: no
 * indefinite or non-minimal lengths, no multi-byte tags;
 * `checkASN1Integer`, `readBase128Int`, `ReadASN1Boolean`,
 * `ReadASN1BitString`), which crypto/x509's parser.go uses for certificates
 * (kube-apiserver), and encoding/asn1 (`parseTagAndLength` and the same
 * rules), which `x509.ParseCertificateRequest` uses for CSRs (Vault).
 */

/**
 * The input is not DER of the expected shape. The message says what, in
 * words a user can act on (`an indefinite length (BER)`).
 */
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

const hexTag = (tag: number) => `0x${tag.toString(16).padStart(2, '0')}`;

function readAt(buf: Buffer, at: number): { element: DerElement; end: number } {
  if (at + 2 > buf.length) fail('an element cut short');
  const tag = buf[at];
  // High tag numbers never occur in what we read (nor does Go read them).
  if ((tag & 0x1f) === 0x1f) fail('a tag in the multi-byte form');
  // Universal types: tag 0 ends BER's indefinite lengths; only SEQUENCE and
  // SET are constructed in DER (strings and the rest must be primitive).
  if (!(tag & 0xc0)) {
    const number = tag & 0x1f;
    if (!number) fail('an end-of-contents marker (BER)');
    if (!(tag & 0x20) !== (number !== 0x10 && number !== 0x11)) {
      fail(
        `the tag ${hexTag(tag)}, a universal type in the wrong form (in DER ` +
          'SEQUENCE and SET are constructed, the others primitive)',
      );
    }
  }
  let length = buf[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const size = length & 0x7f;
    if (size === 0) fail('an indefinite length (BER)');
    if (size > 3) fail(`a length in ${size} bytes, more than we read (3)`);
    if (start + size > buf.length) fail('a length cut short');
    if (buf[start] === 0) fail('a length not in its shortest form');
    length = buf.readUIntBE(start, size);
    if (length < 0x80) fail('a length not in its shortest form');
    start += size;
  }
  const end = start + length;
  if (end > buf.length) fail('an element longer than what holds it');
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
  if (end !== buf.length) fail('bytes after its end');
  return tag === undefined ? element : expectTag(element, tag);
}

/** The elements inside a constructed element, which they must fill. */
export function childrenOf(element: DerElement, tag?: number): DerElement[] {
  if (tag !== undefined) expectTag(element, tag);
  if (!(element.tag & 0x20)) {
    fail('a primitive element where a constructed one belongs');
  }
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
  if (fields.length < min || fields.length > max) {
    fail(`${fields.length} fields where ${min}–${max} belong`);
  }
  return fields;
}

export function expectTag(element: DerElement, tag: number): DerElement {
  if (element.tag !== tag) {
    fail(`the tag ${hexTag(element.tag)} where ${hexTag(tag)} belongs`);
  }
  return element;
}

/**
 * Checks a whole element and everything inside it, not only the fields a
 * caller reads: what the libraries parse anywhere (parameters, attribute
 * values) must be DER too, or their reading refuses what ours would take.
 */
export function checkDerTree(element: DerElement): void {
  switch (element.tag) {
    case TAG.boolean:
      readBoolean(element);
      return;
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
      if (element.contents.length) fail('a NULL with contents');
      return;
    case TAG.utcTime:
    case TAG.generalizedTime:
      readTime(element);
      return;
    default:
      if (element.tag & 0x20) childrenOf(element).forEach(checkDerTree);
  }
}

/**
 * The one element `buf` holds, checked whole by {@link checkDerTree}. Throws
 * {@link DerError} naming the first thing that is not DER. For the library
 * reading: whatever a library reads leniently, Go refuses unless it is DER.
 */
export function readDerTree(buf: Buffer): DerElement {
  const root = readDer(buf);
  checkDerTree(root);
  return root;
}

// Go reads OID arcs into an int and refuses those of 31 bits or more
// (cryptobyte readBase128Int, encoding/asn1 parseBase128Int).
const MAX_OID_ARC = 2 ** 31 - 1;

/** An OBJECT IDENTIFIER in dotted form. */
export function readOid(element: DerElement): string {
  const c = expectTag(element, TAG.oid).contents;
  if (!c.length || c[c.length - 1] & 0x80) {
    fail('an OBJECT IDENTIFIER cut short');
  }
  const arcs: number[] = [];
  let value = 0;
  let first = true;
  for (let i = 0; i < c.length; i++) {
    // A leading 0x80 pads an arc: not minimal.
    if (first && c[i] === 0x80) {
      fail('an OBJECT IDENTIFIER arc not in its shortest form');
    }
    first = false;
    value = value * 128 + (c[i] & 0x7f);
    if (value > MAX_OID_ARC) {
      fail('an OBJECT IDENTIFIER arc larger than Go reads (2^31 - 1)');
    }
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
  if (!c.length) fail('an empty INTEGER');
  if (
    c.length > 1 &&
    ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))
  ) {
    fail('an INTEGER not in its shortest form');
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
  if (!c.length || c[0] > 7) {
    fail('a BIT STRING without a valid unused-bit count');
  }
  const unusedBits = c[0];
  const bytes = c.subarray(1);
  if (
    unusedBits &&
    (!bytes.length || bytes[bytes.length - 1] & ((1 << unusedBits) - 1))
  ) {
    fail('a BIT STRING whose unused bits are not zero');
  }
  return { unusedBits, bytes };
}

/** A BIT STRING holding whole bytes (keys and signatures). */
export function readOctetAlignedBits(element: DerElement): Buffer {
  const { unusedBits, bytes } = readBitString(element);
  if (unusedBits) fail('a BIT STRING of a key or signature with unused bits');
  return bytes;
}

export function readBoolean(element: DerElement): boolean {
  const c = expectTag(element, TAG.boolean).contents;
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) {
    fail('a BOOLEAN other than 00 (false) or FF (true)');
  }
  return c[0] === 0xff;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const STRING_TAG = {
  numericString: 0x12,
  t61String: 0x14,
  ia5String: 0x16,
  bmpString: 0x1e,
};

/** One byte for a message: `'@'` if printable ASCII, else `0xE9`. */
function describeByte(b: number): string {
  return b > 0x20 && b < 0x7f
    ? `'${String.fromCharCode(b)}'`
    : `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;
}

/**
 * Go's PrintableString set (crypto/x509 parser.go `isPrintable`): letters,
 * digits, space and '()+,-./:=?, and also '*' and '&', which Go allows for
 * old certificates.
 */
function isPrintable(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x27 && b <= 0x29) ||
    (b >= 0x2b && b <= 0x2f) ||
    ' :=?*&'.includes(String.fromCharCode(b))
  );
}

function firstBadByte(c: Buffer, ok: (b: number) => boolean): string | null {
  const bad = c.find(b => !ok(b));
  return bad === undefined ? null : describeByte(bad);
}

function checkBmpString(c: Buffer): void {
  if (c.length % 2) fail('a BMPString of odd length');
  // Go strips one terminating NUL, then refuses surrogates and noncharacters.
  const end = c.length >= 2 && !c[c.length - 1] && !c[c.length - 2] ? 2 : 0;
  for (let i = 0; i < c.length - end; i += 2) {
    const point = c.readUInt16BE(i);
    if (
      point >= 0xfffe ||
      (point >= 0xfdd0 && point <= 0xfdef) ||
      (point >= 0xd800 && point <= 0xdfff)
    ) {
      fail(`a BMPString with U+${point.toString(16).toUpperCase()}`);
    }
  }
}

/**
 * Checks a name's attribute value as Go's crypto/x509 reads names
 * (parser.go `parseName` and `parseASN1String`): a T61String; a
 * PrintableString of Go's set; a UTF8String of valid UTF-8; a BMPString of
 * even length without surrogates or noncharacters; an IA5String of ASCII; a
 * NumericString of digits and spaces. Go refuses the whole certificate for
 * anything else, and so does this, with a {@link DerError} naming it.
 */
export function checkNameValue(element: DerElement): void {
  const c = element.contents;
  let bad: string | null = null;
  switch (element.tag) {
    case STRING_TAG.t61String:
      return;
    case TAG.printableString:
      bad = firstBadByte(c, isPrintable);
      if (bad) fail(`a PrintableString with the character ${bad}`);
      return;
    case TAG.utf8String:
      try {
        UTF8.decode(c);
      } catch {
        fail('a UTF8String that is not valid UTF-8');
      }
      return;
    case STRING_TAG.bmpString:
      checkBmpString(c);
      return;
    case STRING_TAG.ia5String:
      bad = firstBadByte(c, b => b < 0x80);
      if (bad) fail(`an IA5String with the byte ${bad}, outside ASCII`);
      return;
    case STRING_TAG.numericString:
      bad = firstBadByte(c, b => b === 0x20 || (b >= 0x30 && b <= 0x39));
      if (bad) fail(`a NumericString with the character ${bad}`);
      return;
    default:
      fail(
        `a value of tag ${hexTag(element.tag)}, which is none of the string ` +
          'types Go reads in names',
      );
  }
}

/**
 * A PrintableString or UTF8String, checked as Go checks them
 * ({@link checkNameValue}); other string types throw.
 */
export function readString(element: DerElement): string {
  if (element.tag === TAG.utf8String) {
    try {
      return UTF8.decode(element.contents);
    } catch {
      return fail('a UTF8String that is not valid UTF-8');
    }
  }
  if (element.tag !== TAG.printableString) {
    fail('not a PrintableString or UTF8String');
  }
  checkNameValue(element);
  return element.contents.toString('latin1');
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
    if (!match) fail('a UTCTime not of the form YYMMDDHHMMSSZ (RFC 5280)');
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (element.tag === TAG.generalizedTime) {
    match = text.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/);
    if (!match) {
      fail('a GeneralizedTime not of the form YYYYMMDDHHMMSSZ (RFC 5280)');
    }
    year = Number(match[1]);
  } else {
    return fail('not a UTCTime or GeneralizedTime');
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
    fail(`a time that does not exist (${text})`);
  }
  return date;
}

/** A copy of the bytes as an ArrayBuffer of its own. */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}
