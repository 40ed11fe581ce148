import { Controller } from '@nestjs/common';
import { AuthContract, MeRequest, RegisterDto, UpdateMeRequest, type UserDto } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { UserService } from './user.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Handles(AuthContract.operations.register)
  register(@RpcData() dto: RegisterDto): Promise<UserDto> {
    return this.users.register(dto);
  }

  @Handles(AuthContract.operations.updateMe)
  updateMe(@RpcData() request: UpdateMeRequest): Promise<UserDto> {
    return this.users.updateMe(request);
  }

  @Handles(AuthContract.operations.me)
  me(@RpcData() request: MeRequest): Promise<UserDto> {
    return this.users.profile(request.userId);
  }
}
