import { ErrorCode, MAX_LINE_QUANTITY, MAX_ORDER_LINES, type StockLineDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

/** One line per product: repeated products are summed, and the sums and the line count must stay within the caps. */
export function mergeLines(lines: readonly StockLineDto[]): StockLineDto[] {
  const merged = new Map<string, number>();
  for (const { productId, quantity } of lines) merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  const tooMany = [...merged].filter(([, quantity]) => quantity > MAX_LINE_QUANTITY).map(([productId]) => productId);
  if (tooMany.length) {
    throw new AppError(400, ErrorCode.ValidationFailed, `At most ${MAX_LINE_QUANTITY} units of one product per order`, {
      errors: { items: [`quantity of ${tooMany.join(', ')} exceeds ${MAX_LINE_QUANTITY}`] },
    });
  }
  if (merged.size > MAX_ORDER_LINES) {
    throw new AppError(400, ErrorCode.ValidationFailed, `At most ${MAX_ORDER_LINES} products per order`, {
      errors: { items: [`${merged.size} products; the most is ${MAX_ORDER_LINES}`] },
    });
  }
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}
