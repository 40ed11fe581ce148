import { formatMoney } from './money';

describe('formatMoney', () => {
  it.each([
    [4980, 'USD', 'en-US', '$49.80'],
    [5, 'EUR', 'en-US', '€0.05'],
    [1500, 'JPY', 'en-US', '¥1,500'],
    [1234, 'KWD', 'en-US', 'KWD 1.234'],
    [123456, 'EUR', 'de-DE', '1.234,56 €'],
  ])('%d %s in %s is %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale).replace(/\u00a0/g, ' ')).toBe(expected);
  });
});
