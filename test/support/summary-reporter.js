// Writes what .ci/run adds up into its closing line `tests: N passed, N failed`.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(_globalConfig, options = {}) {
    this.name = options.name || 'main';
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const dir = path.join(__dirname, '..', '..', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `summary-${this.name}.json`),
      JSON.stringify({ passed: results.numPassedTests, failed }),
    );
  }
}

module.exports = SummaryReporter;
