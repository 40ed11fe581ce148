import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { NotificationListQuery, type NotificationPageDto, NotificationsPattern } from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { NotificationLog } from './notification-log';

@Controller()
export class NotificationsController {
  constructor(private readonly log: NotificationLog) {}

  @MessagePattern(NotificationsPattern.List)
  list(@RpcData() query: NotificationListQuery): Promise<NotificationPageDto> {
    return this.log.list(query);
  }
}
