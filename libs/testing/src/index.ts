export * from './accounts';
export * from './http-client';
export * from './net';
export * from './test-database';
export * from './test-system';
export * from './signed-token';
export * from './stripe-mock';
