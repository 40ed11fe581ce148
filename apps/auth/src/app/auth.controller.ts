import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  AuthPattern,
  LoginDto,
  type MeRequest,
  RefreshTokenDto,
  RegisterDto,
  type TokenPairDto,
  type UpdateMeRequest,
  type UserDto,
} from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { SessionService } from './sessions/session.service';
import { UserService } from './users/user.service';

@Controller()
export class AuthController {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionService,
  ) {}

  @MessagePattern(AuthPattern.Register)
  register(@RpcData() dto: RegisterDto): Promise<UserDto> {
    return this.users.register(dto);
  }

  @MessagePattern(AuthPattern.Login)
  login(@RpcData() dto: LoginDto): Promise<TokenPairDto> {
    return this.sessions.login(dto);
  }

  @MessagePattern(AuthPattern.Refresh)
  refresh(@RpcData() dto: RefreshTokenDto): Promise<TokenPairDto> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @MessagePattern(AuthPattern.Logout)
  async logout(@RpcData() dto: RefreshTokenDto): Promise<null> {
    await this.sessions.logout(dto.refreshToken);
    return null;
  }

  @MessagePattern(AuthPattern.UpdateMe)
  updateMe(@RpcData() request: UpdateMeRequest): Promise<UserDto> {
    return this.users.updateMe(request);
  }

  @MessagePattern(AuthPattern.Me)
  me(@RpcData() request: MeRequest): Promise<UserDto> {
    return this.users.profile(request.userId);
  }
}
