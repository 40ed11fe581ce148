import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListOrdersQuery } from './orders/order-requests';
import { decimalInteger, lowerCased } from './transforms';

const params = (value: unknown) => ({ value }) as Parameters<typeof decimalInteger>[0];

describe('decimalInteger', () => {
  it.each([
    ['20', 20],
    ['007', 7],
    ['-1', -1],
    [5, 5],
  ])('converts %p to %p', (value, expected) => expect(decimalInteger(params(value))).toBe(expected));

  it.each(['', ' 3', '1e1', '0x2', '10.0', '1_000', 'Infinity', '1234567890123456'])(
    'leaves %p as a string, for @IsInt() to refuse',
    (value) => expect(decimalInteger(params(value))).toBe(value),
  );

  it('makes the orders listing as strict as the products listing', () => {
    const failed = (query: object) =>
      validateSync(plainToInstance(ListOrdersQuery, query)).map((error) => error.property);
    expect(failed({ page: '2', limit: '10' })).toEqual([]);
    expect(failed({ page: '0x2', limit: '1e1' })).toEqual(['page', 'limit']);
  });
});

describe('lowerCased', () => {
  it('lower-cases strings and arrays of strings, and leaves anything else', () => {
    expect(lowerCased(params('6F1D6C55-4D4C-4A3E-9B59-4D6F3B3F0A11'))).toBe('6f1d6c55-4d4c-4a3e-9b59-4d6f3b3f0a11');
    expect(lowerCased(params(['AB', 'cd']))).toEqual(['ab', 'cd']);
    expect(lowerCased(params(42))).toBe(42);
  });
});
