import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth-guard';
import { NotificationListQuery, NotificationPageDto, Role } from '@shop/contracts';
import { NotificationsApi } from '@shop/service-defaults';
import { ADMIN_PROBLEMS, ApiProblems, COMMON_PROBLEMS } from '../docs/api-problems.decorator';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsApi) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOperation({
    operationId: 'listNotifications',
    summary: 'What was sent to customers (admin)',
    description:
      'Every email and text message, newest first, with its status (`queued`, `sent`, `failed`) and attempts.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...ADMIN_PROBLEMS, ...COMMON_PROBLEMS })
  list(@Query() query: NotificationListQuery): Promise<NotificationPageDto> {
    return this.notifications.list(query);
  }
}
