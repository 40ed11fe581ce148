import { AppError } from '@shop/problem-details';
import { expectedVersion } from './expected-version';

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? [error.status, error.code] : error;
  }
  return undefined;
};

describe('expectedVersion', () => {
  it.each([
    ['"3"', undefined, { version: 3, source: 'if-match' }],
    ['W/"3"', undefined, { version: 3, source: 'if-match' }],
    [undefined, 4, { version: 4, source: 'body' }],
    ['"5"', 5, { version: 5, source: 'if-match' }],
    ['"6"', null, { version: 6, source: 'if-match' }],
  ])('reads If-Match %p and body version %p', (header, body, expected) => {
    expect(expectedVersion(header, body)).toEqual(expected);
  });

  it.each([
    ['no version at all', undefined, undefined, [428, 'VERSION_REQUIRED']],
    ['a null version and no If-Match', undefined, null, [428, 'VERSION_REQUIRED']],
    ['an unquoted ETag', '3', undefined, [400, 'VALIDATION_FAILED']],
    ['a wildcard', '*', undefined, [400, 'VALIDATION_FAILED']],
    [
      'version 0, which no product has (the catalog would be asked for it)',
      '"0"',
      undefined,
      [400, 'VALIDATION_FAILED'],
    ],
    ['two ETags', '"3", "4"', undefined, [400, 'VALIDATION_FAILED']],
    ['a disagreement', '"3"', 4, [400, 'VALIDATION_FAILED']],
  ])('refuses %s', (_, header, body, expected) => {
    expect(failure(() => expectedVersion(header, body))).toEqual(expected);
  });
});
