import { Controller } from '@nestjs/common';
import { AuthContract, UserRefRequest, VerifyEmailDto } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { EmailVerification } from './email-verification.service';

@Controller()
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerification) {}

  @Handles(AuthContract.operations.verifyEmail)
  async verify(@RpcData() dto: VerifyEmailDto): Promise<null> {
    await this.verification.verify(dto.token);
    return null;
  }

  @Handles(AuthContract.operations.resendVerification)
  async resend(@RpcData() request: UserRefRequest): Promise<null> {
    await this.verification.resend(request.userId);
    return null;
  }
}
