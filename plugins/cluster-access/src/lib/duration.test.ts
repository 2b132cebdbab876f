import { formatTimeLeft, formatTtl, ttlOptions } from './duration';

describe('formatTtl', () => {
  it('says TTLs the way people do', () => {
    expect(formatTtl(900)).toBe('15 minutes');
    expect(formatTtl(3600)).toBe('1 hour');
    expect(formatTtl(8 * 3600)).toBe('8 hours');
    expect(formatTtl(86400)).toBe('1 day');
    expect(formatTtl(36 * 3600)).toBe('1 day 12 hours');
    expect(formatTtl(90)).toBe('1 minute 30 seconds');
    expect(formatTtl(0)).toBe('0 seconds');
  });
});

describe('formatTimeLeft', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('rounds down to the two largest units', () => {
    expect(formatTimeLeft('2026-01-03T03:30:00Z', now)).toBe('2d 3h');
    expect(formatTimeLeft('2026-01-01T07:59:59Z', now)).toBe('7h 59m');
    expect(formatTimeLeft('2026-01-01T00:12:30Z', now)).toBe('12m');
    expect(formatTimeLeft('2026-01-01T00:00:30Z', now)).toBe(
      'less than a minute',
    );
  });
  it('has nothing to say once expired, or about a bad date', () => {
    expect(formatTimeLeft('2026-01-01T00:00:00Z', now)).toBeUndefined();
    expect(formatTimeLeft('2025-12-31T00:00:00Z', now)).toBeUndefined();
    expect(formatTimeLeft('not a date', now)).toBeUndefined();
  });
});

describe('ttlOptions', () => {
  it('offers the usual TTLs up to the cap, with the default and the cap', () => {
    expect(
      ttlOptions({ defaultTtlSeconds: 8 * 3600, maxTtlSeconds: 86400 }),
    ).toEqual([900, 3600, 4 * 3600, 8 * 3600, 12 * 3600, 86400]);
    expect(
      ttlOptions({ defaultTtlSeconds: 5400, maxTtlSeconds: 2 * 3600 }),
    ).toEqual([900, 3600, 5400, 7200]);
  });
  it('never offers more than the cap, even when the default exceeds it', () => {
    expect(
      ttlOptions({ defaultTtlSeconds: 86400, maxTtlSeconds: 600 }),
    ).toEqual([600]);
  });
});
