// Three projects: unit (pure, beside the code), integration (real Postgres + Redis, test/e2e),
// browser (Chromium against the built app, test/browser). test/run-tests.mjs runs them all.
const preset = require('./jest.preset.js');

module.exports = {
  projects: [
    {
      ...preset,
      displayName: 'unit',
      // deploy/: the manifest checks (deploy/k8s/manifests.spec.ts).
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/deploy'],
      testMatch: ['**/*.spec.ts'],
      // The dashboard's pure TS modules are unit-tested next to them (apps/web/src/**/*.spec.ts: utils,
      // composables, a view's form logic); its components are covered by the browser tests.
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/web/(?!src/)'],
      // The dashboard's own `@/…` alias (vite.config.mts), for its composables' specs.
      moduleNameMapper: { ...preset.moduleNameMapper, '^@/(.*)$': '<rootDir>/apps/web/src/$1' },
    },
    {
      ...preset,
      displayName: 'integration',
      setupFilesAfterEnv: ['<rootDir>/test/support/timeout-integration.ts'],
      // test/security: the standing security and fault suite (issue 18), same real parts as test/e2e.
      roots: ['<rootDir>/test/e2e', '<rootDir>/test/security'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...preset,
      displayName: 'browser',
      setupFilesAfterEnv: ['<rootDir>/test/support/timeout-browser.ts'],
      roots: ['<rootDir>/test/browser'],
      testMatch: ['**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
