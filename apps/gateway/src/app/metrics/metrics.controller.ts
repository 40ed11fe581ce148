import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '@shop/auth-guard';
import { metricsRegistry } from '@shop/service-defaults';

/** Prometheus scrapes this; like the health probes it is outside /api/v1 and never rate limited. */
@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', metricsRegistry.contentType)
  @ApiOperation({ operationId: 'getMetrics', summary: 'Metrics in the Prometheus text format' })
  @ApiOkResponse({
    description: 'HTTP and RPC durations, process metrics, business counters',
    content: { [metricsRegistry.contentType]: { schema: { type: 'string' } } },
  })
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
