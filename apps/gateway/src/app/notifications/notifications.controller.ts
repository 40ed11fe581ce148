import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth-guard';
import { NotificationListQuery, NotificationPageDto, NotificationsPattern, Role } from '@shop/contracts';
import type { ServiceClient } from '@shop/service-defaults';
import { ADMIN_PROBLEMS, ApiProblems, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { NOTIFICATIONS_SERVICE } from '../rpc/service-clients.module';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(@Inject(NOTIFICATIONS_SERVICE) private readonly notifications: ServiceClient) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({
    summary: 'What was sent to customers (admin)',
    description: 'Every email and text message, newest first, with its status (`queued`, `sent`, `failed`) and attempts.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...ADMIN_PROBLEMS, ...COMMON_PROBLEMS })
  list(@Query() query: NotificationListQuery): Promise<NotificationPageDto> {
    return this.notifications.send<NotificationPageDto, NotificationListQuery>(NotificationsPattern.List, query);
  }
}
