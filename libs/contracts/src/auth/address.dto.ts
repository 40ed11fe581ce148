import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO31661Alpha2, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { CountryCodes } from 'validator/lib/isISO31661Alpha2';
import { Omittable, PatchType } from '../omittable.decorator';
import { E164 } from './update-me.dto';
import { NOT_BLANK, trimmed } from '../transforms';

const upperCased = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toUpperCase() : value;

/**
 * What a postal address says: the book's entries and an order's shipping address alike. Optional
 * text fields may be sent as `""`, which stores nothing (as leaving them out does).
 */
export class PostalAddressDto {
  @ApiProperty({ example: 'Ada Lovelace', ...NOT_BLANK, maxLength: 100, description: 'Who receives the parcel.' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: '12 St James’s Square', ...NOT_BLANK, maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  line1: string;

  @ApiPropertyOptional({ example: 'Flat 3', maxLength: 200 })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @MaxLength(200)
  line2?: string;

  @ApiProperty({ example: 'London', ...NOT_BLANK, maxLength: 100 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  city: string;

  @ApiPropertyOptional({ example: 'Greater London', maxLength: 100, description: 'State, province or county.' })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @MaxLength(100)
  region?: string;

  @ApiPropertyOptional({
    example: 'SW1Y 4LE',
    maxLength: 20,
    description: 'Optional: some countries have none.',
  })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @MaxLength(20)
  postalCode?: string;

  @ApiProperty({
    example: 'GB',
    enum: [...CountryCodes],
    description: 'ISO 3166-1 alpha-2, any case; stored in upper case.',
  })
  @Transform(upperCased)
  @IsString()
  @IsISO31661Alpha2({ message: '$property must be an ISO 3166-1 alpha-2 country code' })
  country: string;

  @ApiPropertyOptional({ example: '+442079460000', pattern: E164.source, description: 'E.164; `""` for none.' })
  @Omittable()
  @Transform(trimmed)
  @IsString()
  @Matches(new RegExp(`${E164.source}|^$`), {
    message: '$property must be an E.164 phone number, like +442079460000',
  })
  phone?: string;
}

/** POST /auth/me/addresses. */
export class AddressInputDto extends PostalAddressDto {
  @ApiPropertyOptional({
    description:
      'Make it the default address (the one before stops being it). A user’s first address is the default anyway.',
  })
  @Omittable()
  @IsBoolean()
  isDefault?: boolean;
}

/** PATCH /auth/me/addresses/:id: any of the fields; `isDefault: false` is refused (make another the default instead). */
export class AddressPatchDto extends PatchType(AddressInputDto) {
  @ApiPropertyOptional({
    enum: [true],
    description: 'Only `true`: to move the default, make another address the default.',
  })
  @IsIn([true], { message: '$property can only be true: make another address the default instead' })
  override isDefault?: true;
}

/** The snapshot of an address as stored: optional fields are null when there is none. */
export class PostalAddressView {
  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ example: '12 St James’s Square' })
  line1: string;

  @ApiProperty({ type: String, nullable: true, example: 'Flat 3' })
  line2: string | null;

  @ApiProperty({ example: 'London' })
  city: string;

  @ApiProperty({ type: String, nullable: true, example: 'Greater London' })
  region: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'SW1Y 4LE' })
  postalCode: string | null;

  @ApiProperty({ example: 'GB' })
  country: string;

  @ApiProperty({ type: String, nullable: true, example: '+442079460000' })
  phone: string | null;
}

export class AddressDto extends PostalAddressView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Exactly one of a user’s addresses is the default, while there is any.' })
  isDefault: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** `auth.addresses.list`: the book of the user the gateway verified. */
export class AddressBookRequest {
  @IsUUID()
  userId: string;
}

/** One entry of the caller's book; someone else's entry is not found. */
export class AddressRequest extends AddressBookRequest {
  @IsUUID()
  addressId: string;
}

export class CreateAddressRequest extends AddressInputDto {
  @IsUUID()
  userId: string;
}

export class UpdateAddressRequest extends AddressPatchDto {
  @IsUUID()
  userId: string;

  @IsUUID()
  addressId: string;
}
