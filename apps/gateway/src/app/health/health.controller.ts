import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import { InjectThrottlerStorage, SkipThrottle, type ThrottlerStorage } from '@nestjs/throttler';
import { Public } from '@shop/auth-guard';
import type { ServiceHealth } from '@shop/contracts';
import type { FastifyReply } from 'fastify';
import { RedisThrottlerStorage } from '../throttling/redis-throttler.storage';
import { AuthApi, CatalogApi, lifecycle, OrdersApi, resultOfFailedCheck } from '@shop/service-defaults';
import { AppHealthIndicator } from './app.health';

const UP_DOWN = { type: 'string', enum: ['up', 'down'] };

/** The readiness body, the same for 200 and 503: a probe reads the status, a person reads `services`. */
const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'services'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    services: {
      type: 'object',
      description: 'Each app by name: whether it answers, and whether it reaches its database.',
      additionalProperties: {
        type: 'object',
        required: ['status', 'database'],
        properties: {
          status: UP_DOWN,
          database: UP_DOWN,
          dependencies: {
            type: 'object',
            description:
              'Only from an app that registers any (the catalog with REDIS_URL: `redis`, its product cache). ' +
              'Informational: the app fails open without them, so they never turn its `status` down.',
            additionalProperties: UP_DOWN,
          },
        },
      },
      example: {
        auth: { status: 'down', database: 'down' },
        catalog: { status: 'up', database: 'up', dependencies: { redis: 'down' } },
      },
    },
    redis: {
      ...UP_DOWN,
      description:
        "The gateway's own rate-limit Redis, with REDIS_URL only. Informational: the gateway stays ready without it.",
    },
  },
};

type Readiness = {
  status: 'ok' | 'unavailable';
  services: Record<string, ServiceHealth>;
  /** With REDIS_URL: informational only, the gateway serves without Redis (see RedisThrottlerStorage). */
  redis?: 'up' | 'down';
};

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  private readonly services: Array<AuthApi | CatalogApi | OrdersApi>;

  constructor(
    auth: AuthApi,
    catalog: CatalogApi,
    orders: OrdersApi,
    private readonly health: HealthCheckService,
    private readonly apps: AppHealthIndicator,
    @InjectThrottlerStorage() private readonly throttlerStorage: ThrottlerStorage,
  ) {
    this.services = [auth, catalog, orders];
  }

  @Get('live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'Liveness: the gateway process is up' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness: every service answers and reaches its database' })
  @ApiOkResponse({ schema: READINESS_SCHEMA })
  @ApiServiceUnavailableResponse({
    description: 'A service or its database is down (`services` says which), or the gateway is shutting down.',
    schema: READINESS_SCHEMA,
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const result = await this.health
      .check(this.services.map((service) => () => this.apps.pingCheck(service)))
      .catch(resultOfFailedCheck);
    // A gateway that is shutting down turns not-ready first, so the load balancer stops sending to it.
    const ready = !lifecycle.draining && result.status === 'ok';
    void reply.status(ready ? 200 : 503);
    const redis = this.throttlerStorage instanceof RedisThrottlerStorage ? this.throttlerStorage.status : undefined;
    const services = Object.fromEntries(
      this.services.map(({ transport: { name } }) => [name, result.details[name] as ServiceHealth]),
    );
    return { status: ready ? 'ok' : 'unavailable', services, redis };
  }
}
