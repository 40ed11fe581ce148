import { Controller } from '@nestjs/common';
import {
  CreateOrderRequest,
  ListOrdersRequest,
  type OrderDto,
  type OrderPageDto,
  OrderRefRequest,
  OrderStatus,
  OrdersContract,
  SetOrderStatusRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
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

  @Handles(OrdersContract.operations.createOrder)
  create(@RpcData() request: CreateOrderRequest): Promise<OrderDto> {
    return this.placement.create(request);
  }

  @Handles(OrdersContract.operations.listOrders)
  list(@RpcData() request: ListOrdersRequest): Promise<OrderPageDto> {
    return this.repository.list(request);
  }

  @Handles(OrdersContract.operations.getOrder)
  get(@RpcData() { orderId, actor }: OrderRefRequest): Promise<OrderDto> {
    return this.repository.get(orderId, actor);
  }

  @Handles(OrdersContract.operations.cancelOrder)
  cancel(@RpcData() { orderId, actor }: OrderRefRequest): Promise<OrderDto> {
    return this.lifecycle.transition(orderId, OrderStatus.Cancelled, actor);
  }

  @Handles(OrdersContract.operations.setOrderStatus)
  setStatus(@RpcData() { orderId, status, actor, carrier, trackingNumber }: SetOrderStatusRequest): Promise<OrderDto> {
    // The contract requires both with `shipped` and only lets them through with it.
    const shipment = carrier && trackingNumber ? { carrier, trackingNumber } : undefined;
    return this.lifecycle.transition(orderId, status, actor, null, shipment);
  }
}
