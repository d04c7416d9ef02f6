/**
 * The native suite that runs inside the Soft-RoCE guests (scripts/vm/guest-native.sh). Excluded
 * from the default jest run by jest.config.ts; on a host without RDMA its tests skip with the reason.
 */
const path = require('path');
module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/test/native-vm'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: { '^rdmacheck$': '<rootDir>/src/index.ts', '^rdmacheck/jest$': '<rootDir>/src/jest/index.ts' },
  testTimeout: 180000,
};
