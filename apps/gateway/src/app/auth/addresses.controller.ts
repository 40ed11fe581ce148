import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '@shop/auth-guard';
import { AddressDto, AddressInputDto, AddressPatchDto } from '@shop/contracts';
import { AuthApi } from '@shop/service-defaults';
import { ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { uuidParam } from '../http/uuid-param';

/** The caller's address book. Another user's address is 404, as one that does not exist. */
@ApiTags('addresses')
@ApiBearerAuth()
@Controller('auth/me/addresses')
export class AddressesController {
  constructor(private readonly auth: AuthApi) {}

  @Get()
  @ApiOperation({
    operationId: 'listAddresses',
    summary: 'Your address book',
    description: 'The default first, then oldest first.',
  })
  @ApiOkResponse({ type: [AddressDto] })
  @ApiProblems({ 401: 'UNAUTHORIZED', 404: 'NOT_FOUND (the account is gone)', ...COMMON_PROBLEMS })
  list(@CurrentUser() user: AuthenticatedUser): Promise<AddressDto[]> {
    return this.auth.listAddresses({ userId: user.id });
  }

  @Post()
  @ApiOperation({
    operationId: 'createAddress',
    summary: 'Add an address',
    description: 'Your first address is the default; `isDefault: true` makes a later one the default.',
  })
  @ApiCreatedResponse({ type: AddressDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    401: 'UNAUTHORIZED',
    404: 'NOT_FOUND (the account is gone)',
    409: 'ADDRESS_BOOK_FULL',
    ...COMMON_PROBLEMS,
  })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: AddressInputDto): Promise<AddressDto> {
    return this.auth.createAddress({ ...dto, userId: user.id });
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateAddress',
    summary: 'Change an address',
    description: 'Orders placed with it keep the copy they were placed with. `""` clears an optional field.',
  })
  @ApiOkResponse({ type: AddressDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuidParam('id')) addressId: string,
    @Body() dto: AddressPatchDto,
  ): Promise<AddressDto> {
    return this.auth.updateAddress({ ...dto, userId: user.id, addressId });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteAddress',
    summary: 'Delete an address',
    description: 'Deleting the default makes the newest remaining address the default. Placed orders keep their copy.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  async delete(@CurrentUser() user: AuthenticatedUser, @Param('id', uuidParam('id')) addressId: string): Promise<void> {
    await this.auth.deleteAddress({ userId: user.id, addressId });
  }
}
