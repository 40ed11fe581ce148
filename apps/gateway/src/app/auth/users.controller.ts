import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shop/auth-guard';
import { ListUsersQuery, Role, SetUserRoleDto, UserDto, UserPageDto } from '@shop/contracts';
import { AuthApi } from '@shop/service-defaults';
import { ADMIN_PROBLEMS, ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { uuidParam } from '../http/uuid-param';

/** Account management (admins only). */
@ApiTags('users')
@ApiBearerAuth()
@Roles(Role.Admin)
@Controller('users')
export class UsersController {
  constructor(private readonly auth: AuthApi) {}

  @Get()
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'List accounts, oldest first (admin)',
    description: 'Filters: email prefix, role, status.',
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...ADMIN_PROBLEMS, ...COMMON_PROBLEMS })
  list(@Query() query: ListUsersQuery): Promise<UserPageDto> {
    return this.auth.listUsers(query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUser', summary: 'One account (admin)' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...ADMIN_PROBLEMS, 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  get(@Param('id', uuidParam('id')) userId: string): Promise<UserDto> {
    return this.auth.getUser({ userId });
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'setUserRole',
    summary: "Change an account's role (admin)",
    description:
      'Takes effect at its next login or refresh (access tokens already issued keep their role until they expire). The last active admin cannot be demoted.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, ...ADMIN_PROBLEMS, 404: 'NOT_FOUND', 409: 'LAST_ADMIN', ...COMMON_PROBLEMS })
  setRole(@Param('id', uuidParam('id')) userId: string, @Body() dto: SetUserRoleDto): Promise<UserDto> {
    return this.auth.setUserRole({ ...dto, userId });
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'disableUser',
    summary: 'Disable an account (admin)',
    description:
      'It can no longer log in or refresh (401 ACCOUNT_DISABLED) and its refresh tokens are revoked; access tokens already issued stop working when they expire (JWT_ACCESS_TTL, 15 minutes by default). The last active admin cannot be disabled. Idempotent.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...ADMIN_PROBLEMS, 404: 'NOT_FOUND', 409: 'LAST_ADMIN', ...COMMON_PROBLEMS })
  disable(@Param('id', uuidParam('id')) userId: string): Promise<UserDto> {
    return this.auth.disableUser({ userId });
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'enableUser',
    summary: 'Enable a disabled account (admin)',
    description: 'It may log in again. Idempotent.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...ADMIN_PROBLEMS, 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  enable(@Param('id', uuidParam('id')) userId: string): Promise<UserDto> {
    return this.auth.enableUser({ userId });
  }
}
