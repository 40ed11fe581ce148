import { Controller } from '@nestjs/common';
import {
  AuthContract,
  LoginDto,
  type MeRequest,
  RefreshTokenDto,
  RegisterDto,
  type TokenPairDto,
  type UserDto,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { SessionService } from './sessions/session.service';
import { UserService } from './users/user.service';

@Controller()
export class AuthController {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
  ) {}

  @Handles(AuthContract.operations.register)
  register(@RpcData() dto: RegisterDto): Promise<UserDto> {
    return this.users.register(dto);
  }

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

  @Handles(AuthContract.operations.me)
  me(@RpcData() request: MeRequest): Promise<UserDto> {
    return this.users.profile(request.userId);
  }
}
