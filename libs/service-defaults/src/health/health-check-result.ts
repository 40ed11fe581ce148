import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';

/**
 * Terminus's HealthCheckService rejects with a 503 exception carrying the result when any
 * indicator is down; a readiness answer needs the result either way.
 */
export function resultOfFailedCheck(error: unknown): HealthCheckResult {
  if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
  throw error;
}
