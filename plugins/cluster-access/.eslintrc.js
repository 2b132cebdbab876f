module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Output of the RHDH dynamic-plugin export (scripts/export-dynamic.sh):
  // bundles that ESLint must not read.
  ignorePatterns: ['dist-dynamic/**', 'dist-scalprum/**'],
  rules: {
    // One component per file, small hooks (issue #10). Every line counts,
    // blank lines and comments included, so the numbers match `wc -l` and
    // what a reviewer sees; a React component is a function too.
    'max-lines': ['error', { max: 400 }],
    'max-lines-per-function': ['error', { max: 80 }],
  },
  overrides: [
    {
      // Tests are long lists of cases inside describe() callbacks.
      files: ['**/*.test.{ts,tsx}', 'src/testUtils/**', 'src/setupTests.ts'],
      rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
    },
  ],
});
