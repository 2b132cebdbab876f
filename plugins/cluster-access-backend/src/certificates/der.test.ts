import {
  checkDerTree,
  checkNameValue,
  childrenOf,
  DerError,
  readBitString,
  readDer,
  readDerTree,
  readInteger,
  readOid,
  readString,
  readTime,
  TAG,
} from './der';

const bytes = (...b: number[]) => Buffer.from(b);
const element = (tag: number, contents: number[]) =>
  readDer(bytes(tag, contents.length, ...contents));

describe('the strict DER reader', () => {
  it('reads one element and its children', () => {
    const seq = readDer(bytes(0x30, 0x06, 0x02, 0x01, 0x05, 0x05, 0x00, 0x01));
    expect(() => childrenOf(seq)).toThrow(DerError);
    const ok = readDer(bytes(0x30, 0x05, 0x02, 0x01, 0x05, 0x05, 0x00));
    expect(childrenOf(ok, TAG.sequence).map(c => c.tag)).toEqual([2, 5]);
  });

  it.each([
    ['trailing bytes', [0x05, 0x00, 0x00]],
    ['an indefinite length', [0x30, 0x80, 0x05, 0x00, 0x00, 0x00]],
    ['a long-form length under 128', [0x04, 0x81, 0x01, 0x00]],
    ['a length with a leading zero byte', [0x04, 0x82, 0x00, 0x01, 0x00]],
    ['a length beyond the input', [0x04, 0x05, 0x00]],
    ['a multi-byte tag', [0x1f, 0x81, 0x01, 0x00]],
    ['a constructed NULL', [0x25, 0x00]],
    ['a constructed OID', [0x26, 0x03, 0x06, 0x01, 0x2a]],
    ['a constructed UTF8String', [0x2c, 0x03, 0x0c, 0x01, 0x61]],
    ['a primitive SEQUENCE', [0x10, 0x00]],
    ['an end-of-contents marker', [0x00, 0x00]],
    ['an empty input', []],
  ])('refuses %s', (_name, input) => {
    expect(() => readDer(Buffer.from(input))).toThrow(DerError);
  });

  it('refuses children that overrun or do not fill their parent', () => {
    // The child claims 3 bytes; its parent holds 2 after its header.
    const overrun = readDer(bytes(0x30, 0x04, 0x04, 0x03, 0x00, 0x00));
    expect(() => childrenOf(overrun)).toThrow(DerError);
    // A primitive cannot have children.
    expect(() => childrenOf(element(0x04, [0x05, 0x00]))).toThrow(DerError);
  });

  it('checks what lies inside elements nobody reads', () => {
    const sequence = (...inner: number[]) =>
      readDer(bytes(0x30, inner.length, ...inner));
    expect(() =>
      checkDerTree(sequence(0x06, 0x03, 0x55, 0x04, 0x03, 0x05, 0x00)),
    ).not.toThrow();
    for (const inner of [
      [0x06, 0x03, 0x55, 0x80, 0x03],
      [0x05, 0x01, 0x00],
      [0x02, 0x02, 0x00, 0x01],
      [0x03, 0x01, 0x08],
      [0x17, 0x01, 0x30],
      [0x31, 0x04, 0x04, 0x81, 0x01, 0x00],
      // BOOLEAN TRUE is FF in DER (cryptobyte ReadASN1Boolean).
      [0x01, 0x01, 0x01],
    ]) {
      expect(() => checkDerTree(sequence(...inner))).toThrow(DerError);
    }
  });

  it('reads OIDs only in minimal form', () => {
    expect(
      readOid(
        element(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e]),
      ),
    ).toBe('1.2.840.113549.1.9.14');
    expect(readOid(element(0x06, [0x55, 0x04, 0x03]))).toBe('2.5.4.3');
    expect(readOid(element(0x06, [0x88, 0x37, 0x03]))).toBe('2.999.3');
    // 2.5.4.3 with the last arc padded by 0x80: the same number, not DER.
    expect(() => readOid(element(0x06, [0x55, 0x04, 0x80, 0x03]))).toThrow(
      DerError,
    );
    expect(() => readOid(element(0x06, [0x55, 0x84]))).toThrow(DerError);
    // Go reads arcs up to 2^31 - 1 (cryptobyte readBase128Int).
    expect(readOid(element(0x06, [0x55, 0x87, 0xff, 0xff, 0xff, 0x7f]))).toBe(
      '2.5.2147483647',
    );
    expect(() =>
      readOid(element(0x06, [0x55, 0x88, 0x80, 0x80, 0x80, 0x00])),
    ).toThrow('an OBJECT IDENTIFIER arc larger than Go reads (2^31 - 1)');
    expect(() => readOid(element(0x06, []))).toThrow(DerError);
    expect(() => readOid(element(0x13, [0x55]))).toThrow(DerError);
  });

  it('reads INTEGERs only in minimal form', () => {
    expect(readInteger(element(0x02, [0x00, 0x80]))).toEqual(bytes(0x00, 0x80));
    expect(() => readInteger(element(0x02, [0x00, 0x01]))).toThrow(DerError);
    expect(() => readInteger(element(0x02, [0xff, 0x80]))).toThrow(DerError);
    expect(() => readInteger(element(0x02, []))).toThrow(DerError);
  });

  it('reads BIT STRINGs with zero padding only', () => {
    expect(readBitString(element(0x03, [0x07, 0x80]))).toEqual({
      unusedBits: 7,
      bytes: bytes(0x80),
    });
    expect(() => readBitString(element(0x03, [0x07, 0x81]))).toThrow(DerError);
    expect(() => readBitString(element(0x03, [0x08, 0x00]))).toThrow(DerError);
    expect(() => readBitString(element(0x03, [0x01]))).toThrow(DerError);
    // Constructed (BER) bit strings are not DER.
    expect(() => readBitString(element(0x23, []))).toThrow(DerError);
  });

  it('reads Printable and UTF8 strings, and refuses invalid UTF-8 and other types', () => {
    expect(readString(element(0x13, [...Buffer.from('alice')]))).toBe('alice');
    expect(readString(element(0x0c, [...Buffer.from('zoë')]))).toBe('zoë');
    expect(() => readString(element(0x0c, [0xc3]))).toThrow(DerError);
    expect(() => readString(element(0x1e, [0x00, 0x61]))).toThrow(DerError);
  });

  it('checks name values as Go reads them (crypto/x509 parseASN1String)', () => {
    const value = (tag: number, text: string | number[]) =>
      element(tag, typeof text === 'string' ? [...Buffer.from(text)] : text);
    for (const ok of [
      value(0x13, "Az09 '()+,-./:=?*&"),
      value(0x0c, 'zoë'),
      value(0x14, [0xe9, 0x00]),
      value(0x16, 'a@b.c'),
      value(0x12, '0 9'),
      value(0x1e, [0x00, 0x61, 0x00, 0x00]),
    ]) {
      expect(() => checkNameValue(ok)).not.toThrow();
    }
    for (const [bad, message] of [
      [value(0x13, 'a@b'), "a PrintableString with the character '@'"],
      [value(0x13, 'a_b'), "a PrintableString with the character '_'"],
      [value(0x13, [0x61, 0xe9]), 'a PrintableString with the character 0xE9'],
      [value(0x0c, [0xed, 0xa0, 0x80]), 'a UTF8String that is not valid UTF-8'],
      [value(0x16, [0x61, 0x80]), 'an IA5String with the byte 0x80'],
      [value(0x12, '1a'), "a NumericString with the character 'a'"],
      [value(0x1e, [0x00, 0x61, 0x00]), 'a BMPString of odd length'],
      [value(0x1e, [0xd8, 0x00]), 'a BMPString with U+D800'],
      [value(0x1e, [0xff, 0xfe]), 'a BMPString with U+FFFE'],
      [value(0x1c, [0, 0, 0, 0x61]), 'a value of tag 0x1c'],
      [value(0x02, [0x01]), 'a value of tag 0x02,'],
    ] as const) {
      expect(() => checkNameValue(bad)).toThrow(message);
    }
  });

  it('reads a whole tree, naming the first thing that is not DER', () => {
    expect(readDerTree(bytes(0x30, 0x03, 0x01, 0x01, 0xff)).tag).toBe(0x30);
    expect(() => readDerTree(bytes(0x30, 0x03, 0x01, 0x01, 0x01))).toThrow(
      'a BOOLEAN other than 00 (false) or FF (true)',
    );
    expect(() =>
      readDerTree(bytes(0x30, 0x80, 0x05, 0x00, 0x00, 0x00)),
    ).toThrow('an indefinite length (BER)');
  });

  it('reads times in the forms RFC 5280 allows, and nothing else', () => {
    const time = (tag: number, text: string) =>
      readTime(element(tag, [...Buffer.from(text)]));
    expect(time(0x17, '491231235959Z').toISOString()).toBe(
      '2049-12-31T23:59:59.000Z',
    );
    expect(time(0x17, '500101000000Z').toISOString()).toBe(
      '1950-01-01T00:00:00.000Z',
    );
    expect(time(0x18, '20500101000000Z').toISOString()).toBe(
      '2050-01-01T00:00:00.000Z',
    );
    for (const [tag, text] of [
      [0x17, '4912312359Z'],
      [0x17, '491231235959+0100'],
      [0x18, '20500101000000.5Z'],
      [0x17, '490230000000Z'],
      [0x17, '491231246000Z'],
      [0x13, '491231235959Z'],
    ] as const) {
      expect(() => time(tag, text)).toThrow(DerError);
    }
  });
});
