import { quotaFraction } from './quantity';

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
