/*
 * The project's size rules (issue #10), shared by every package's
 * .eslintrc.js: a file over 400 lines or a function over 80 holds more than
 * one job. Blank lines and comments do not count; a React component is a
 * function too. Tests, test utilities, dev setups and benchmarks are exempt.
 */
module.exports = {
  rules: {
    'max-lines': [
      'error',
      { max: 400, skipBlankLines: true, skipComments: true },
    ],
    'max-lines-per-function': [
      'error',
      { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true },
    ],
  },
  overrides: [
    {
      files: [
        '**/*.test.{ts,tsx}',
        '**/__testUtils__/**',
        '**/testUtils/**',
        'src/setupTests.ts',
        'dev/**',
        'bench/**',
      ],
      rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
    },
  ],
};
