const sizeRules = require('../../eslint-size-rules');

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  ...sizeRules,
  // Output of the RHDH dynamic-plugin export (scripts/export-dynamic.sh):
  // bundles that ESLint must not read; and the code generated from
  // openapi.yaml (scripts/openapi.mjs), exempt like every generated file.
  ignorePatterns: [
    'dist-dynamic/**',
    'dist-scalprum/**',
    'src/schema/openapi/generated/**',
  ],
});
