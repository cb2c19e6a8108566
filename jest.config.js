// Unit tests run alone; integration and end-to-end tests share one local cloud started by the global setup.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }] };
const common = { extensionsToTreatAsEsm: ['.ts'], transform, testEnvironment: 'node' };

export default {
  // Cloud tests wait on real emulators and child processes; unit tests finish in milliseconds anyway.
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{packages,services}/*/test/unit/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'] },
    {
      ...common,
      displayName: 'cloud',
      testMatch: ['<rootDir>/services/*/test/{integration,e2e}/**/*.test.ts', '<rootDir>/packages/*/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test-support/globalSetup.ts',
      globalTeardown: '<rootDir>/test-support/globalTeardown.ts',
    },
  ],
};
