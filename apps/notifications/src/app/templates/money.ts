/** Building a formatter costs far more than using one, and a shop has few (locale, currency) pairs. */
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/**
 * An amount in integer minor units, formatted for people: the currency's own number of decimals
 * (2 for EUR, 0 for JPY, 3 for KWD) comes from Intl, so no currency is hard-coded here.
 */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  const key = `${locale} ${currency}`;
  let entry = formats.get(key);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(key, entry);
  }
  return entry.format.format(minorUnits / 10 ** entry.digits);
}
