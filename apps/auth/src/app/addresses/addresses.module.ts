import { Module } from '@nestjs/common';
import { AddressBook } from './address-book.service';
import { AddressesController } from './addresses.controller';

/** Each user's address book; orders copies an entry onto an order through the contract, never the table. */
@Module({ controllers: [AddressesController], providers: [AddressBook] })
export class AddressesModule {}
