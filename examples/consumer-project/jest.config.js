/** The consumer's own jest setup: ts-jest for TypeScript, nothing rdmacheck-specific. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Audits run many simulated scenarios per test.
  testTimeout: 120000,
};
