export const OrdersPattern = {
  CreateOrder: 'orders.orders.create',
  ListOrders: 'orders.orders.list',
  GetOrder: 'orders.orders.get',
  CancelOrder: 'orders.orders.cancel',
  SetOrderStatus: 'orders.orders.set-status',
  GetCart: 'orders.cart.get',
  AddCartItem: 'orders.cart.add-item',
  SetCartItem: 'orders.cart.set-item',
  RemoveCartItem: 'orders.cart.remove-item',
  ClearCart: 'orders.cart.clear',
  PayOrder: 'orders.payments.pay',
  StripeWebhook: 'orders.payments.stripe-webhook',
} as const;
