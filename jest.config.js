/**
 * ESM-only packages, and @fastify/cookie and mercurius, which import() one. Node 20.19 loads them
 * natively; Jest's module loader neither require()s ESM nor runs import() without
 * --experimental-vm-modules, so Jest compiles them to CommonJS.
 */
const ESM = `/node_modules/(${['content-disposition', 'cookie', '@fastify/cookie', 'mercurius', 'quick-lru'].join('|')})/`;

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    [`${ESM}.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: [`^(?!.*${ESM}).*/node_modules/`],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
