import { AppError } from '@shop/problem-details';
import { mergeLines } from './order-lines';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('mergeLines', () => {
  it('sums repeated products into one line, keeping first-seen order', () => {
    expect(mergeLines([{ productId: A, quantity: 1 }, { productId: B, quantity: 2 }, { productId: A, quantity: 3 }])).toEqual([
      { productId: A, quantity: 4 },
      { productId: B, quantity: 2 },
    ]);
  });

  it('refuses a product whose summed quantity passes the cap', () => {
    expect(() => mergeLines([{ productId: A, quantity: 600 }, { productId: A, quantity: 401 }])).toThrow(AppError);
    expect(mergeLines([{ productId: A, quantity: 600 }, { productId: A, quantity: 400 }])).toEqual([{ productId: A, quantity: 1000 }]);
  });
});
