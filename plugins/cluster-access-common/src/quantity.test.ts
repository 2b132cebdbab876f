import { parseQuantity } from './quantity';

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
