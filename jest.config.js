// Jest runs the compiled tests (tsc -b builds src/ and test/ of every package into dist/).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*/dist/test/**/*.test.js'],
  modulePathIgnorePatterns: ['<rootDir>/[^/]+/node_modules/'],
  testTimeout: 120000,
  maxWorkers: process.env.CI ? 2 : '50%',
  verbose: false,
};
