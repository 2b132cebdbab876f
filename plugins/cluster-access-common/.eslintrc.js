module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  ...require('../../eslint-size-rules'),
  // Generated from the backend's openapi.yaml (scripts/openapi.mjs).
  ignorePatterns: ['src/schema/openapi/generated/**'],
});
