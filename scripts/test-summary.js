// Prints the closing line of a test run from jest's JSON results:
// "Tests: N passed, N failed, N skipped". Exits 1 when any test failed, when
// a test suite could not run, or when no test ran at all.
const fs = require('node:fs');

const file = process.argv[2];
let results;
try {
  results = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`No test results in ${file}: ${error.message}`);
  process.exit(1);
}
const passed = results.numPassedTests;
const failed = results.numFailedTests;
const skipped = results.numPendingTests + results.numTodoTests;
const brokenSuites = results.numRuntimeErrorTestSuites;
if (brokenSuites > 0) {
  process.stdout.write(`${brokenSuites} test suite(s) failed to run\n`);
}
process.stdout.write(
  `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`,
);
process.exit(failed > 0 || brokenSuites > 0 || passed === 0 ? 1 : 0);
