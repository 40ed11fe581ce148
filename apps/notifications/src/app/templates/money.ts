/**
 * An amount in integer minor units, formatted for people: the currency's own number of decimals
 * (2 for EUR, 0 for JPY, 3 for KWD) comes from Intl, so no currency is hard-coded here.
 */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}
