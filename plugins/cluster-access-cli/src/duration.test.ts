import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['8h', 28800],
    ['1d', 86400],
    ['1h30m', 5400],
    ['1d2h3m4s', 93784],
    ['3600', 3600],
    ['0', 0],
    [' 10m ', 600],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'h', '8 h', '1.5h', '30m1h', '-5m', '8hours', '1w'])(
    'refuses %j',
    text => {
      expect(() => parseDuration(text)).toThrow('is not a duration');
    },
  );
});

describe('formatDuration', () => {
  it('writes what parseDuration reads, largest units first', () => {
    expect(formatDuration(28800)).toBe('8h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(93784)).toBe('1d2h3m4s');
    expect(formatDuration(45.9)).toBe('45s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(-5)).toBe('0s');
    for (const seconds of [1, 59, 61, 3599, 86401, 123456]) {
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    }
  });
});
