module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Generated from the backend's openapi.yaml (scripts/openapi.mjs).
  ignorePatterns: ['src/schema/openapi/generated/**'],
  rules: {
    // Size rules of the project (issue #10): a file over 400 lines or a
    // function over 80 holds more than one job. Blank lines and comments do
    // not count. Tests and generated files are exempt (overrides below).
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
        'dev/**',
        'bench/**',
      ],
      rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
    },
  ],
});
