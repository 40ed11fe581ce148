import { Controller } from '@nestjs/common';
import {
  AddCartItemRequest,
  type CartDto,
  CartItemRefRequest,
  CartRequest,
  OrdersContract,
  SetCartItemRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { CartService } from './cart.service';

@Controller()
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Handles(OrdersContract.operations.getCart)
  get(@RpcData() { actor }: CartRequest): Promise<CartDto> {
    return this.cart.get(actor.id);
  }

  @Handles(OrdersContract.operations.addCartItem)
  add(@RpcData() { actor, productId, quantity }: AddCartItemRequest): Promise<CartDto> {
    return this.cart.add(actor.id, productId, quantity);
  }

  @Handles(OrdersContract.operations.setCartItem)
  set(@RpcData() { actor, productId, quantity }: SetCartItemRequest): Promise<CartDto> {
    return this.cart.set(actor.id, productId, quantity);
  }

  @Handles(OrdersContract.operations.removeCartItem)
  async remove(@RpcData() { actor, productId }: CartItemRefRequest): Promise<null> {
    await this.cart.remove(actor.id, productId);
    return null;
  }

  @Handles(OrdersContract.operations.clearCart)
  async clear(@RpcData() { actor }: CartRequest): Promise<null> {
    await this.cart.clear(actor.id);
    return null;
  }
}
