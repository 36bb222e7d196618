/**
 * Tests by level, each a Jest project that runs alone (`npm run test:unit`, `test:integration`,
 * `test:infrastructure`, `test:e2e`) or all together (`npm test`):
 *  - unit: pure domain rules, no I/O;
 *  - integration: adapters, handlers and the state machine against DynamoDB Local, moto and local HTTP servers;
 *  - infrastructure: the synthesized CDK stack (assertions, cdk-nag, cfn-lint);
 *  - e2e: the whole product over HTTP against the local stack.
 */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [
    // ESM-only packages (openapi-backend's JSON Schema $ref parser and its YAML parser) are compiled too.
    '/node_modules/(?!(@middy|aws-local-stepfunctions|@apidevtools/json-schema-ref-parser|js-yaml|argparse|json-schema-faker)/)',
  ],
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // json-schema-faker ships ES modules only (an `import` export): its entry, compiled like the rest.
  moduleNameMapper: { '^json-schema-faker$': '<rootDir>/node_modules/json-schema-faker/dist/index.js' },
};

/** The projects that need the run's DynamoDB Local (started once, each test file makes its own table). */
const withDynamo = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

const project = (name, extra = {}) => ({
  ...shared,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    project('integration', withDynamo),
    project('infrastructure'),
    project('e2e', withDynamo),
  ],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
