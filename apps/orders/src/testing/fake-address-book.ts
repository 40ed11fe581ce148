import {
  type AddressDto,
  type AddressRequest,
  type AuthContract,
  ErrorCode,
  type PostalAddressDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import type { TypedApi } from '@shop/service-defaults';
import { randomUUID } from 'node:crypto';

/** Where module tests ship their orders, given inline (no address book involved). */
export const SHIP_TO: PostalAddressDto = { name: 'Ada Lovelace', line1: '1 Main St', city: 'London', country: 'GB' };

/** The auth app's address book as checkout uses it, in memory: someone else's entry is 404, as in auth. */
export class FakeAddressBook implements Pick<TypedApi<typeof AuthContract>, 'getAddress'> {
  private readonly entries = new Map<string, { userId: string; address: AddressDto }>();

  add(userId: string, fields: PostalAddressDto): AddressDto {
    const now = new Date().toISOString();
    const address: AddressDto = {
      id: randomUUID(),
      line2: null,
      region: null,
      postalCode: null,
      phone: null,
      ...fields,
      isDefault: false,
      createdAt: now,
      updatedAt: now,
    };
    this.entries.set(address.id, { userId, address });
    return address;
  }

  edit(addressId: string, fields: Partial<PostalAddressDto>): void {
    const entry = this.entries.get(addressId)!;
    entry.address = { ...entry.address, ...fields };
  }

  async getAddress({ userId, addressId }: AddressRequest): Promise<AddressDto> {
    const entry = this.entries.get(addressId);
    if (!entry || entry.userId !== userId) throw new AppError(404, ErrorCode.NotFound, 'Address not found');
    return entry.address;
  }
}
