import { Controller } from '@nestjs/common';
import { NotificationListQuery, type NotificationPageDto, NotificationsContract } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { NotificationLog } from './notification-log';

@Controller()
export class NotificationsController {
  constructor(private readonly log: NotificationLog) {}

  @Handles(NotificationsContract.operations.list)
  list(@RpcData() query: NotificationListQuery): Promise<NotificationPageDto> {
    return this.log.list(query);
  }
}
