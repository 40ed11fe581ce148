import { Controller } from '@nestjs/common';
import { AccountEmailRequest, NotificationsContract } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { AccountEmailSender } from './account-email.sender';

@Controller()
export class AccountEmailController {
  constructor(private readonly sender: AccountEmailSender) {}

  @Handles(NotificationsContract.operations.sendAccountEmail)
  async send(@RpcData() request: AccountEmailRequest): Promise<null> {
    this.sender.accept(request);
    return null;
  }
}
