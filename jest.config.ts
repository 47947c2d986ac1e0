import type { Config } from 'jest';

/**
 * One jest run covers unit, integration and browser tests. Integration and
 * browser suites start their own reference server on port 0, so suites can run
 * in parallel workers without sharing state.
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        tsconfig: {
          // Type errors are reported by `npm run typecheck`; jest only transpiles.
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          jsx: 'react-jsx',
          esModuleInterop: true,
          target: 'ES2022',
        },
      },
    ],
  },
  moduleNameMapper: {
    '^unet-chat-redux$': '<rootDir>/src/index.ts',
    '^unet-chat-redux/react$': '<rootDir>/src/react/index.ts',
    '^unet-chat-redux/react/locales/en$': '<rootDir>/src/react/i18n/locales/en.ts',
    '^unet-chat-redux/tabs$': '<rootDir>/src/tabs.ts',
    '^unet-chat-redux/testing$': '<rootDir>/src/testing/index.ts',
    '\\.css$': '<rootDir>/__tests__/support/styleStub.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/setup.ts'],
  testTimeout: 20_000,
};

export default config;
