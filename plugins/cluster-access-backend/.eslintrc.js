module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Output of the RHDH dynamic-plugin export (scripts/export-dynamic.sh):
  // bundles that ESLint must not read; and the code generated from
  // openapi.yaml (scripts/openapi.mjs), exempt like every generated file.
  ignorePatterns: [
    'dist-dynamic/**',
    'dist-scalprum/**',
    'src/schema/openapi/generated/**',
  ],
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
