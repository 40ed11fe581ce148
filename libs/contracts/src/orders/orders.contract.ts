import { defineContract, returns } from '../contract';
import { healthCheck } from '../health/health.contract';
import { AddCartItemRequest, type CartDto, CartItemRefRequest, CartRequest, SetCartItemRequest } from './cart.dto';
import { CreateOrderRequest, ListOrdersRequest, OrderRefRequest, SetOrderStatusRequest } from './order-requests';
import type { OrderDto, OrderPageDto } from './order.dto';
import {
  type PaymentDto,
  type PaymentListDto,
  PaymentRefRequest,
  PayOrderRequest,
  StripeWebhookRequest,
} from './payment.dto';

export const OrdersContract = defineContract('orders', {
  health: healthCheck,
  createOrder: {
    pattern: 'orders.orders.create',
    request: CreateOrderRequest,
    response: returns<OrderDto>(),
    retrySafe: false,
  },
  listOrders: {
    pattern: 'orders.orders.list',
    request: ListOrdersRequest,
    response: returns<OrderPageDto>(),
    retrySafe: true,
  },
  getOrder: { pattern: 'orders.orders.get', request: OrderRefRequest, response: returns<OrderDto>(), retrySafe: true },
  cancelOrder: {
    pattern: 'orders.orders.cancel',
    request: OrderRefRequest,
    response: returns<OrderDto>(),
    retrySafe: false,
  },
  setOrderStatus: {
    pattern: 'orders.orders.set-status',
    request: SetOrderStatusRequest,
    response: returns<OrderDto>(),
    retrySafe: false,
  },
  getCart: { pattern: 'orders.cart.get', request: CartRequest, response: returns<CartDto>(), retrySafe: true },
  addCartItem: {
    pattern: 'orders.cart.add-item',
    request: AddCartItemRequest,
    response: returns<CartDto>(),
    retrySafe: false,
  },
  setCartItem: {
    pattern: 'orders.cart.set-item',
    request: SetCartItemRequest,
    response: returns<CartDto>(),
    retrySafe: true,
  },
  removeCartItem: {
    pattern: 'orders.cart.remove-item',
    request: CartItemRefRequest,
    response: returns<null>(),
    retrySafe: false,
  },
  clearCart: { pattern: 'orders.cart.clear', request: CartRequest, response: returns<null>(), retrySafe: true },
  payOrder: {
    pattern: 'orders.payments.pay',
    request: PayOrderRequest,
    response: returns<PaymentDto>(),
    retrySafe: false,
  },
  listOrderPayments: {
    pattern: 'orders.payments.list-for-order',
    request: OrderRefRequest,
    response: returns<PaymentListDto>(),
    retrySafe: true,
  },
  getPayment: {
    pattern: 'orders.payments.get',
    request: PaymentRefRequest,
    response: returns<PaymentDto>(),
    retrySafe: true,
  },
  // Stripe events carry their own id, and settling a payment twice changes nothing.
  stripeWebhook: {
    pattern: 'orders.payments.stripe-webhook',
    request: StripeWebhookRequest,
    response: returns<{ received: true }>(),
    retrySafe: true,
  },
});
