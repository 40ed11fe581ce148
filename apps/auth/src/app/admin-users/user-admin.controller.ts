import { Controller } from '@nestjs/common';
import {
  AuthContract,
  ListUsersQuery,
  SetUserRoleRequest,
  type UserDto,
  type UserPageDto,
  UserRefRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { UserAdmin } from './user-admin.service';

/** Only the gateway's admin routes send these (it checks the caller's role). */
@Controller()
export class UserAdminController {
  constructor(private readonly admin: UserAdmin) {}

  @Handles(AuthContract.operations.listUsers)
  list(@RpcData() query: ListUsersQuery): Promise<UserPageDto> {
    return this.admin.list(query);
  }

  @Handles(AuthContract.operations.getUser)
  get(@RpcData() request: UserRefRequest): Promise<UserDto> {
    return this.admin.get(request.userId);
  }

  @Handles(AuthContract.operations.setUserRole)
  setRole(@RpcData() request: SetUserRoleRequest): Promise<UserDto> {
    return this.admin.setRole(request.userId, request.role);
  }

  @Handles(AuthContract.operations.disableUser)
  disable(@RpcData() request: UserRefRequest): Promise<UserDto> {
    return this.admin.disable(request.userId);
  }

  @Handles(AuthContract.operations.enableUser)
  enable(@RpcData() request: UserRefRequest): Promise<UserDto> {
    return this.admin.enable(request.userId);
  }
}
