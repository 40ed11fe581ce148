import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';

/** A TCP app's readiness check: Terminus over the app's (global) database, plus its registered dependencies. */
@Module({
  // Readiness is answered, not logged: a database that fails is logged where it fails.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator],
})
export class HealthModule {}
