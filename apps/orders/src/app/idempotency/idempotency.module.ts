import { Module } from '@nestjs/common';
import { IdempotencyService } from './idempotency.service';

/** One outcome per (user, Idempotency-Key), for any operation that takes a key. */
@Module({ providers: [IdempotencyService], exports: [IdempotencyService] })
export class IdempotencyModule {}
