/** The fault suite (`npm run test:faults`): slow, breaks its own private PostgreSQL and Redis. */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.fault.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 400000,
  reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { name: 'faults' }]],
};
