import type { Config } from 'jest';

/** The default suite: everything under test/ except the VM-only native stage. */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/native-vm/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^rdmacheck$': '<rootDir>/src/index.ts', '^rdmacheck/jest$': '<rootDir>/src/jest/index.ts' },
  testTimeout: 120000,
};
export default config;
