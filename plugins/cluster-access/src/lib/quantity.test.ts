import { parseQuantity, quotaFraction } from './quantity';

describe('parseQuantity', () => {
  it('reads plain, decimal-suffixed, binary-suffixed and exponent quantities', () => {
    expect(parseQuantity('20')).toBe(20);
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('2k')).toBe(2000);
    expect(parseQuantity('128Mi')).toBe(128 * 1024 * 1024);
    expect(parseQuantity('4Gi')).toBe(4 * 1024 ** 3);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('2E')).toBe(2e18);
  });

  it('refuses what is not a quantity', () => {
    expect(parseQuantity('')).toBeUndefined();
    expect(parseQuantity('lots')).toBeUndefined();
    expect(parseQuantity('4GB')).toBeUndefined();
  });
});

describe('quotaFraction', () => {
  it('compares used and hard across units', () => {
    expect(quotaFraction({ used: '500m', hard: '2' })).toBe(0.25);
    expect(quotaFraction({ used: '2Gi', hard: '8Gi' })).toBe(0.25);
    expect(quotaFraction({ used: '1024Mi', hard: '2Gi' })).toBe(0.5);
    expect(quotaFraction({ used: '25', hard: '20' })).toBe(1.25);
  });

  it('has no value without usage, with an unreadable side or a zero limit', () => {
    expect(quotaFraction({ hard: '2' })).toBeUndefined();
    expect(quotaFraction({ used: 'x', hard: '2' })).toBeUndefined();
    expect(quotaFraction({ used: '0', hard: '0' })).toBeUndefined();
  });
});
