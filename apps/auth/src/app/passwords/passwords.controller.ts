import { Controller } from '@nestjs/common';
import { AuthContract, ChangePasswordRequest, PasswordResetConfirmDto, PasswordResetRequestDto } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { PasswordService } from './password.service';

@Controller()
export class PasswordsController {
  constructor(private readonly passwords: PasswordService) {}

  @Handles(AuthContract.operations.changePassword)
  async change(@RpcData() request: ChangePasswordRequest): Promise<null> {
    await this.passwords.change(request);
    return null;
  }

  @Handles(AuthContract.operations.requestPasswordReset)
  async requestReset(@RpcData() dto: PasswordResetRequestDto): Promise<null> {
    this.passwords.requestReset(dto.email);
    return null;
  }

  @Handles(AuthContract.operations.confirmPasswordReset)
  async confirmReset(@RpcData() dto: PasswordResetConfirmDto): Promise<null> {
    await this.passwords.confirmReset(dto);
    return null;
  }
}
