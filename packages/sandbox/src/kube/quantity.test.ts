import {
  canonicalQuantity,
  compareQuantities,
  isWholeNumber,
  parseQuantity,
} from './quantity';

describe('quantities as resource.Quantity reads and prints them', () => {
  it.each([
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['1000', '1k'],
    ['1200', '1200'],
    ['2', '2'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512', '512'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0.0000000001', '1n'],
    ['-1', '-1'],
    ['0', '0'],
    ['0Mi', '0'],
    [10, '10'],
  ])('%p is stored as %p', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  it.each(['', 'abc', '1.5x', '1 Gi', '--1', '1e', 'Gi'])(
    'refuses %p',
    input => {
      expect(parseQuantity(input)).toBeUndefined();
    },
  );

  it('compares exactly across suffixes and formats', () => {
    const q = (s: string) => parseQuantity(s)!;
    expect(compareQuantities(q('1Gi'), q('1024Mi'))).toBe(0);
    expect(compareQuantities(q('1G'), q('1Gi'))).toBe(-1);
    expect(compareQuantities(q('500m'), q('0.5'))).toBe(0);
    expect(compareQuantities(q('1'), q('999m'))).toBe(1);
  });

  it('tells whole numbers from fractions as the integer check does', () => {
    expect(isWholeNumber(parseQuantity('10')!)).toBe(true);
    expect(isWholeNumber(parseQuantity('1k')!)).toBe(true);
    expect(isWholeNumber(parseQuantity('1.5')!)).toBe(false);
    expect(isWholeNumber(parseQuantity('100m')!)).toBe(false);
  });
});
