import { Logger } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

const logger = new Logger('PaymentProvider');

/**
 * A call to the payment provider that got no answer (network, timeout, the provider's own
 * outage) as a client sees it: 502 PAYMENT_PROVIDER_UNAVAILABLE, never a 500. Refusals the caller
 * understands are results, not errors, so they never get here; an AppError passes unchanged.
 */
export function providerUnavailable(error: unknown, detail: string, context: Record<string, unknown> = {}): AppError {
  if (error instanceof AppError) return error;
  logger.warn({ ...context, error: (error as Error).message }, 'No answer from the payment provider');
  return new AppError(502, ErrorCode.PaymentProviderUnavailable, detail);
}
