import { AuthPattern } from './auth/auth.patterns';
import { CatalogPattern } from './catalog/catalog.patterns';
import { HEALTH_CHECK } from './health/health.patterns';
import { OrdersPattern } from './orders/orders.patterns';

/**
 * Patterns that may safely reach an app twice: reads, writes that set a value, and writes keyed
 * by an id the app deduplicates on (a reservation per order id). When a connection drops with
 * one of these in flight, the caller retries it on another instance; anything else fails
 * instead, since the first instance may already have acted on it.
 */
export const IDEMPOTENT_PATTERNS: ReadonlySet<string> = new Set([
  HEALTH_CHECK,
  AuthPattern.Me,
  AuthPattern.Logout,
  CatalogPattern.ListProducts,
  CatalogPattern.GetProduct,
  CatalogPattern.GetProducts,
  CatalogPattern.ListCategories,
  CatalogPattern.ListStockAdjustments,
  CatalogPattern.Reserve,
  CatalogPattern.Release,
  CatalogPattern.Commit,
  OrdersPattern.ListOrders,
  OrdersPattern.GetOrder,
  OrdersPattern.GetCart,
  OrdersPattern.SetCartItem,
  OrdersPattern.ClearCart,
  OrdersPattern.StripeWebhook,
]);
