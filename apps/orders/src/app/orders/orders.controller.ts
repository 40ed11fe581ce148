import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CreateOrderRequest,
  ListOrdersRequest,
  type OrderDto,
  type OrderPageDto,
  OrderRefRequest,
  OrderStatus,
  OrdersPattern,
  SetOrderStatusRequest,
} from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { OrderLifecycle } from './order-lifecycle.service';
import { OrderPlacement } from './order-placement.service';
import { OrderRepository } from './order.repository';

@Controller()
export class OrdersController {
  constructor(
    private readonly placement: OrderPlacement,
    private readonly repository: OrderRepository,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  @MessagePattern(OrdersPattern.CreateOrder)
  create(@RpcData() request: CreateOrderRequest): Promise<OrderDto> {
    return this.placement.create(request);
  }

  @MessagePattern(OrdersPattern.ListOrders)
  list(@RpcData() request: ListOrdersRequest): Promise<OrderPageDto> {
    return this.repository.list(request);
  }

  @MessagePattern(OrdersPattern.GetOrder)
  get(@RpcData() { orderId, actor }: OrderRefRequest): Promise<OrderDto> {
    return this.repository.get(orderId, actor);
  }

  @MessagePattern(OrdersPattern.CancelOrder)
  cancel(@RpcData() { orderId, actor }: OrderRefRequest): Promise<OrderDto> {
    return this.lifecycle.transition(orderId, OrderStatus.Cancelled, actor);
  }

  @MessagePattern(OrdersPattern.SetOrderStatus)
  setStatus(@RpcData() { orderId, status, actor }: SetOrderStatusRequest): Promise<OrderDto> {
    return this.lifecycle.transition(orderId, status, actor);
  }
}
