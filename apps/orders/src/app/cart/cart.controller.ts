import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  AddCartItemRequest,
  type CartDto,
  CartItemRefRequest,
  CartRequest,
  OrdersPattern,
  SetCartItemRequest,
} from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { CartService } from './cart.service';

@Controller()
export class CartController {
  constructor(private readonly cart: CartService) {}

  @MessagePattern(OrdersPattern.GetCart)
  get(@RpcData() { actor }: CartRequest): Promise<CartDto> {
    return this.cart.get(actor.id);
  }

  @MessagePattern(OrdersPattern.AddCartItem)
  add(@RpcData() { actor, productId, quantity }: AddCartItemRequest): Promise<CartDto> {
    return this.cart.add(actor.id, productId, quantity);
  }

  @MessagePattern(OrdersPattern.SetCartItem)
  set(@RpcData() { actor, productId, quantity }: SetCartItemRequest): Promise<CartDto> {
    return this.cart.set(actor.id, productId, quantity);
  }

  @MessagePattern(OrdersPattern.RemoveCartItem)
  async remove(@RpcData() { actor, productId }: CartItemRefRequest): Promise<null> {
    await this.cart.remove(actor.id, productId);
    return null;
  }

  @MessagePattern(OrdersPattern.ClearCart)
  async clear(@RpcData() { actor }: CartRequest): Promise<null> {
    await this.cart.clear(actor.id);
    return null;
  }
}
