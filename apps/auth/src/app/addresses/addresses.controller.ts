import { Controller } from '@nestjs/common';
import {
  type AddressDto,
  AddressBookRequest,
  AddressRequest,
  AuthContract,
  CreateAddressRequest,
  UpdateAddressRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { AddressBook } from './address-book.service';

@Controller()
export class AddressesController {
  constructor(private readonly book: AddressBook) {}

  @Handles(AuthContract.operations.listAddresses)
  list(@RpcData() request: AddressBookRequest): Promise<AddressDto[]> {
    return this.book.list(request.userId);
  }

  @Handles(AuthContract.operations.getAddress)
  get(@RpcData() request: AddressRequest): Promise<AddressDto> {
    return this.book.get(request.userId, request.addressId);
  }

  @Handles(AuthContract.operations.createAddress)
  create(@RpcData() { userId, ...input }: CreateAddressRequest): Promise<AddressDto> {
    return this.book.create(userId, input);
  }

  @Handles(AuthContract.operations.updateAddress)
  update(@RpcData() { userId, addressId, ...patch }: UpdateAddressRequest): Promise<AddressDto> {
    return this.book.update(userId, addressId, patch);
  }

  @Handles(AuthContract.operations.deleteAddress)
  async delete(@RpcData() request: AddressRequest): Promise<null> {
    await this.book.delete(request.userId, request.addressId);
    return null;
  }
}
