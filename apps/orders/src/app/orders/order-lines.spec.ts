import { AppError } from '@shop/problem-details';
import { mergeLines } from './order-lines';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('mergeLines', () => {
  it('sums repeated products into one line, keeping first-seen order', () => {
    expect(
      mergeLines([
        { productId: A, quantity: 1 },
        { productId: B, quantity: 2 },
        { productId: A, quantity: 3 },
      ]),
    ).toEqual([
      { productId: A, quantity: 4 },
      { productId: B, quantity: 2 },
    ]);
  });

  it('refuses a product whose summed quantity passes the cap', () => {
    expect(() =>
      mergeLines([
        { productId: A, quantity: 600 },
        { productId: A, quantity: 401 },
      ]),
    ).toThrow(AppError);
    expect(
      mergeLines([
        { productId: A, quantity: 600 },
        { productId: A, quantity: 400 },
      ]),
    ).toEqual([{ productId: A, quantity: 1000 }]);
  });

  it('refuses more distinct products than one order may hold', () => {
    const line = (index: number) => ({
      productId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      quantity: 1,
    });
    expect(mergeLines(Array.from({ length: 100 }, (_, index) => line(index)))).toHaveLength(100);
    expect(() => mergeLines(Array.from({ length: 101 }, (_, index) => line(index)))).toThrow(/At most 100 products/);
  });
});
