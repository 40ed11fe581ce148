import { Controller } from '@nestjs/common';
import { AuthContract, LoginDto, RefreshTokenDto, type TokenPairDto } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { SessionService } from './session.service';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionService) {}

  @Handles(AuthContract.operations.login)
  login(@RpcData() dto: LoginDto): Promise<TokenPairDto> {
    return this.sessions.login(dto);
  }

  @Handles(AuthContract.operations.refresh)
  refresh(@RpcData() dto: RefreshTokenDto): Promise<TokenPairDto> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Handles(AuthContract.operations.logout)
  async logout(@RpcData() dto: RefreshTokenDto): Promise<null> {
    await this.sessions.logout(dto.refreshToken);
    return null;
  }
}
