import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppHealthIndicator } from './app.health';
import { HealthController } from './health.controller';

/** /health/live and /health/ready: Terminus over each app behind the gateway. */
@Module({
  // Readiness is answered, not logged: a failing app is logged by the calls that fail.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [AppHealthIndicator],
})
export class HealthModule {}
